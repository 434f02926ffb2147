
use builtin;
use str;

set edit:completion:arg-completer[towow-db] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'towow-db'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'towow-db'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the database if needed and apply all migrations (like init_db.py, but idempotent)'
            cand drop 'Drop the ToWow tables and the migration history (asks first)'
            cand migrate 'Apply, inspect, verify, roll back schema migrations, or adopt a database the app made'
            cand seed 'Load data: the ToWow sample rows, a seed file, or generated demands at scale (binary COPY)'
            cand mock-agents 'Load the mock agent set (default 100 agents over ten agent types); re-runs add nothing'
            cand vacuum-report 'Tables due for VACUUM/ANALYZE (autovacuum''s own math), XID/MultiXact age, xmin horizon holders'
            cand slow-query 'The heaviest statements of this database (pg_stat_statements, any version), or those running now'
            cand health 'The ToWow alert table as checks: connections, deadlocks, XID age, replication lag, cache hit, …'
            cand activity 'Current sessions: state, wait event, query age, blocking pids, client, application'
            cand sizes 'Database, table, index and TOAST sizes, largest first'
            cand indexes 'Index usage: unused, duplicate, invalid and bloated indexes, sequential scans; --rebuild fixes them'
            cand retention 'Delete rows older than a cut-off in short transactions; drop partitions wholly older'
            cand partitions 'Partitioned tables: strategy, key, partitions, default rows, gaps, days until inserts fail; `ensure` creates the next range partitions'
            cand roles 'Create, update or show the least-privilege roles (towow_app, towow_migrate, read-only)'
            cand backup 'Backups you can prove: create (pg_dump), list, verify (restore drills), restore, prune'
            cand local 'Manage the local PostgreSQL cluster used when no connection is configured'
            cand completions 'Print the shell completion script for bash, zsh, fish, powershell or elvish'
            cand man 'Print a man page (roff) on stdout, or write every page into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;init'= {
            cand --mock-agents-count 'How many mock agents to load (implies --mock-agents) [default: 100]'
            cand --locale 'Language of the mock agents'' names and texts'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --drop 'Drop the ToWow tables first (asks like `drop`, or needs --yes)'
            cand --sample-data 'Load the sample rows of the ToWow document (2 agents, 1 demand)'
            cand --mock-agents 'Load the mock agent set (default 100 agents)'
            cand --no-create-database 'Do not create the database when it does not exist'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;drop'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;migrate'= {
            cand --target 'Stop after this version (inclusive)'
            cand --lock-wait 'How long to wait for another towow-db migrate holding the migration lock'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --dry-run 'Print the SQL that would run, in order, and change nothing'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand up 'Apply pending migrations (the default)'
            cand status 'Every known migration: version, name, state, applied time'
            cand verify 'Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from what they make (built in a throw-away shadow database)'
            cand down 'Roll back applied migrations with their down scripts (deletes data: asks first)'
            cand baseline 'Adopt ToWow tables made without towow-db (the app''s init_db.py): bring them to the ToWow schema keeping every row, and record the history (asks first)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;migrate;up'= {
            cand --target 'Stop after this version (inclusive)'
            cand --lock-wait 'How long to wait for another towow-db migrate holding the migration lock'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --dry-run 'Print the SQL that would run, in order, and change nothing'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;migrate;status'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;migrate;verify'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --fail-on-pending 'Also fail when shipped migrations are not applied yet'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;migrate;down'= {
            cand --steps 'How many migrations to roll back (default 1)'
            cand --target 'Roll back every migration above this version (0 = all)'
            cand --lock-wait 'How long to wait for another towow-db migrate holding the migration lock'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --dry-run 'Print the SQL that would run and change nothing'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;migrate;baseline'= {
            cand --lock-wait 'How long to wait for another towow-db migrate holding the migration lock'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --dry-run 'Print what differs and the SQL that would run, and change nothing'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;migrate;help'= {
            cand up 'Apply pending migrations (the default)'
            cand status 'Every known migration: version, name, state, applied time'
            cand verify 'Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from what they make (built in a throw-away shadow database)'
            cand down 'Roll back applied migrations with their down scripts (deletes data: asks first)'
            cand baseline 'Adopt ToWow tables made without towow-db (the app''s init_db.py): bring them to the ToWow schema keeping every row, and record the history (asks first)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;migrate;help;up'= {
        }
        &'towow-db;migrate;help;status'= {
        }
        &'towow-db;migrate;help;verify'= {
        }
        &'towow-db;migrate;help;down'= {
        }
        &'towow-db;migrate;help;baseline'= {
        }
        &'towow-db;migrate;help;help'= {
        }
        &'towow-db;seed'= {
            cand --file 'Load this seed file (JSON Lines, the format of seeds/sample.jsonl) instead of the sample'
            cand --demands 'Generate this many demands (with their responses and channels)'
            cand --responses-per-demand 'Agent responses per generated demand [default: 3]'
            cand --channels-per-demand 'Collaboration channels per generated demand [default: 1]'
            cand --seed 'Random seed: the same seed gives the same rows, ids included'
            cand --locale 'Language of generated names and texts'
            cand --as-of 'Generate times as if today were this date (fixed by default so that a seed always gives the same rows)'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --sample-data 'Also load the ToWow sample rows (the default when no --file and no --demands is given)'
            cand --replace 'Delete previously generated demands (and their responses and channels) first. Asks'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;mock-agents'= {
            cand --count 'How many agents the set has'
            cand --seed 'Random seed: the same seed gives the same rows, ids included'
            cand --locale 'Language of generated names and texts'
            cand --as-of 'Generate times as if today were this date (fixed by default so that a seed always gives the same rows)'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --replace 'Delete every earlier towow-db mock agent (and, by cascade, their responses) first. Asks'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;vacuum-report'= {
            cand --schema 'Only this schema (repeatable)'
            cand --table 'Only tables with this name (repeatable; combine with --schema for one schema''s table)'
            cand --min-dead-tuples 'Only tables with at least N dead tuples (the runbook''s view is 1000)'
            cand --threshold 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --due 'Only tables due for vacuum or analyze'
            cand --bloat 'Add the statistics-based bloat estimate (marked unavailable where statistics are missing)'
            cand --execute 'Run VACUUM (ANALYZE) on the tables due for vacuum (ANALYZE on those due only for analyze), one by one, outside a transaction. Asks first unless --yes'
            cand --full 'With --execute: VACUUM (FULL, ANALYZE) instead (rewrites the table under an exclusive lock)'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --check 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;slow-query'= {
            cand --sort 'Order by'
            cand --limit 'How many statements to show'
            cand --min-calls 'Only statements called at least N times'
            cand --min-mean-ms 'Only statements whose mean time is at least this many milliseconds'
            cand --longer-than 'With --running: only statements (or idle transactions) older than this'
            cand --threshold 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --running 'Show the statements running now (pg_stat_activity) instead of the statistics'
            cand --reset 'Clear this database''s pg_stat_statements statistics (asks first unless --yes)'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --check 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;health'= {
            cand --threshold 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --check 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;activity'= {
            cand --longer-than 'Only statements (or idle transactions) older than this'
            cand --threshold 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --all 'Include background processes (autovacuum workers, walsenders, …), not only client sessions'
            cand --running 'Only statements running now and sessions idle in a transaction'
            cand --check 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;sizes'= {
            cand --schema 'Only this schema (repeatable)'
            cand --table 'Only tables with this name (repeatable; combine with --schema for one schema''s table)'
            cand --limit 'Show only the N largest tables'
            cand --threshold 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --check 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;indexes'= {
            cand --schema 'Only this schema (repeatable)'
            cand --table 'Only tables with this name (repeatable; combine with --schema for one schema''s table)'
            cand --unused-min-size 'Report never-scanned indexes as unused only from this size on'
            cand --min-seq-scans 'Tables with at least this many sequential scans…'
            cand --min-rows '…and at least this many live rows are listed as sequentially scanned'
            cand --bloat-threshold 'With --rebuild: the estimated bloat (%) from which a valid btree index is rebuilt'
            cand --rebuild-min-size 'With --rebuild: bloated indexes smaller than this are left alone'
            cand --threshold 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --bloat 'Add the statistics-based bloat estimate of btree indexes (no estimate where statistics are missing)'
            cand --rebuild 'Rebuild the invalid indexes and the btree indexes estimated bloated past --bloat-threshold, one at a time with REINDEX INDEX CONCURRENTLY; drop leftovers of failed rebuilds. Asks'
            cand --dry-run 'With --rebuild: list what would be rebuilt or dropped, change nothing'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --check 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;retention'= {
            cand --table 'The table: SCHEMA.TABLE, or TABLE on the search_path; ordinary or partitioned'
            cand --column 'Its timestamp or date column (checked first)'
            cand --older-than 'Delete rows older than this: 30d, 12h, 2w, 6mon, 1y (calendar months and years)'
            cand --before '…or older than this time (2025-01-01, 2025-01-01T00:00:00Z: what PostgreSQL reads as a timestamptz)'
            cand --batch-size 'Rows per batch; each batch is one short transaction'
            cand --pause 'Pause between batches (e.g. 100ms): room for the application and for replicas to catch up'
            cand --archive 'Dump each partition with pg_dump (custom format) into this folder before dropping it'
            cand --config 'Read the rules from a file instead: one per line, written as the flags --table … --no-vacuum (# starts a comment); each rule runs in turn'
            cand --max-duration 'Start no batch after this long (a time box for cron); running again continues'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --no-vacuum 'Do not VACUUM (ANALYZE) the tables deleted from afterwards'
            cand --dry-run 'Count exactly what would go (rows, bytes, oldest, newest) and change nothing'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;partitions'= {
            cand --schema 'Only this schema (repeatable)'
            cand --table 'Only tables with this name (repeatable; combine with --schema for one schema''s table)'
            cand --threshold 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --check 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand ensure 'Create the next range partitions (timestamp or date key) so that --ahead of them start after now; interval and names inferred from the existing ones, with the parent''s indexes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;partitions;ensure'= {
            cand --table 'The partitioned table (SCHEMA.TABLE or TABLE on the search_path); repeatable'
            cand --ahead 'How many partitions must start after now (the current period''s comes on top)'
            cand --interval 'The period of a partition [default: inferred from the latest partition]'
            cand --name-pattern 'How to name them: strftime fields of the lower bound, e.g. ''messages_%Y_%m'' [default: inferred]'
            cand --time-zone 'The time zone the bounds are midnights of [default: the session''s, usually the server''s]'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --dry-run 'Show what would be created and create nothing'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;partitions;help'= {
            cand ensure 'Create the next range partitions (timestamp or date key) so that --ahead of them start after now; interval and names inferred from the existing ones, with the parent''s indexes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;partitions;help;ensure'= {
        }
        &'towow-db;partitions;help;help'= {
        }
        &'towow-db;roles'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Create (or update) the roles and grant them their privileges; idempotent. Passwords come from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt'
            cand show 'Who may do what on the ToWow tables: every role''s effective privileges, and the default privileges for future tables'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;roles;create'= {
            cand --app-role 'The application''s role: DML only (SELECT, INSERT, UPDATE, DELETE; sequences)'
            cand --migrate-role 'The migration role: CREATE on the schema, owner of the ToWow tables'
            cand --readonly-role 'Also a read-only role (SELECT only), by default named towow_readonly'
            cand --schema 'The schema of the ToWow tables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --keep-owner 'Leave the owner of existing ToWow tables alone (then only their owner can migrate them)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;roles;show'= {
            cand --schema 'The schema of the ToWow tables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;roles;help'= {
            cand create 'Create (or update) the roles and grant them their privileges; idempotent. Passwords come from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt'
            cand show 'Who may do what on the ToWow tables: every role''s effective privileges, and the default privileges for future tables'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;roles;help;create'= {
        }
        &'towow-db;roles;help;show'= {
        }
        &'towow-db;roles;help;help'= {
        }
        &'towow-db;backup'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Back up the database: pg_dump in directory format, in parallel, with a manifest (row counts, sha256 of every file); written under a temporary name, renamed when complete'
            cand list 'Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill'
            cand verify 'The restore drill: check every checksum, restore into a scratch database, compare row counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring'
            cand restore 'Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target holding the backup''s tables unless --clean (asks)'
            cand prune 'Delete old backups: keep those within --keep-days or among the --keep-last newest; never the newest complete nor the newest verified one; incomplete leftovers after a day. Asks'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;backup;create'= {
            cand --dir 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]'
            cand -j 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]'
            cand --jobs 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;backup;list'= {
            cand --dir 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;backup;verify'= {
            cand --into 'Create the scratch database on this server (the URL''s database is only used to connect) instead of the managed local cluster'
            cand -j 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]'
            cand --jobs 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]'
            cand --dir 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]'
            cand --threshold 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --latest 'Drill the newest complete backup (the default without NAME, unless --check is given alone)'
            cand --check 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;backup;restore'= {
            cand --into 'The database to restore into (created when missing)'
            cand -j 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]'
            cand --jobs 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]'
            cand --dir 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --clean 'Drop the backup''s objects in the target first (pg_restore --clean --if-exists). Asks'
            cand --no-owner 'Do not restore the tables'' owners (pg_restore --no-owner): for a server without the roles'
            cand --no-privileges 'Do not restore GRANTs (pg_restore --no-privileges)'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;backup;prune'= {
            cand --keep-days 'Keep every complete backup younger than this many days'
            cand --keep-last 'Also keep the N newest complete backups, however old'
            cand --dir 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --dry-run 'Only list what would be deleted'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;backup;help'= {
            cand create 'Back up the database: pg_dump in directory format, in parallel, with a manifest (row counts, sha256 of every file); written under a temporary name, renamed when complete'
            cand list 'Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill'
            cand verify 'The restore drill: check every checksum, restore into a scratch database, compare row counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring'
            cand restore 'Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target holding the backup''s tables unless --clean (asks)'
            cand prune 'Delete old backups: keep those within --keep-days or among the --keep-last newest; never the newest complete nor the newest verified one; incomplete leftovers after a day. Asks'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;backup;help;create'= {
        }
        &'towow-db;backup;help;list'= {
        }
        &'towow-db;backup;help;verify'= {
        }
        &'towow-db;backup;help;restore'= {
        }
        &'towow-db;backup;help;prune'= {
        }
        &'towow-db;backup;help;help'= {
        }
        &'towow-db;local'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand start 'Create (first time) and start the cluster; does nothing when it already runs'
            cand stop 'Stop the cluster (data kept)'
            cand status 'Whether the cluster exists and runs, where and on which port'
            cand url 'Print the connection URL (last line), usable by psql and as DATABASE_URL'
            cand destroy 'Stop the cluster and delete its data (asks first)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;local;start'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;local;stop'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;local;status'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;local;url'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;local;destroy'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand -y 'Do not ask; proceed (needed when there is no terminal)'
            cand --yes 'Do not ask; proceed (needed when there is no terminal)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;local;help'= {
            cand start 'Create (first time) and start the cluster; does nothing when it already runs'
            cand stop 'Stop the cluster (data kept)'
            cand status 'Whether the cluster exists and runs, where and on which port'
            cand url 'Print the connection URL (last line), usable by psql and as DATABASE_URL'
            cand destroy 'Stop the cluster and delete its data (asks first)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;local;help;start'= {
        }
        &'towow-db;local;help;stop'= {
        }
        &'towow-db;local;help;status'= {
        }
        &'towow-db;local;help;url'= {
        }
        &'towow-db;local;help;destroy'= {
        }
        &'towow-db;local;help;help'= {
        }
        &'towow-db;completions'= {
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;man'= {
            cand --dir 'Write the main page and one page per command (towow-db-init.1, …) into this directory'
            cand --url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --database-url 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string'
            cand --direct-url 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]'
            cand --wait 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`'
            cand --statement-timeout 'statement_timeout for the session (`0` = none). Default depends on the command'
            cand --lock-timeout 'lock_timeout for the session (`0` = none). Default 30s'
            cand --pool-size 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)'
            cand --pool-timeout 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)'
            cand --format 'Output format'
            cand --columns 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)'
            cand --wide 'Tables: show every column (the default set fits a terminal)'
            cand -v 'More detail on stderr (repeat for more). Never shows secrets'
            cand --verbose 'More detail on stderr (repeat for more). Never shows secrets'
            cand -q 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand --quiet 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'towow-db;help'= {
            cand init 'Create the database if needed and apply all migrations (like init_db.py, but idempotent)'
            cand drop 'Drop the ToWow tables and the migration history (asks first)'
            cand migrate 'Apply, inspect, verify, roll back schema migrations, or adopt a database the app made'
            cand seed 'Load data: the ToWow sample rows, a seed file, or generated demands at scale (binary COPY)'
            cand mock-agents 'Load the mock agent set (default 100 agents over ten agent types); re-runs add nothing'
            cand vacuum-report 'Tables due for VACUUM/ANALYZE (autovacuum''s own math), XID/MultiXact age, xmin horizon holders'
            cand slow-query 'The heaviest statements of this database (pg_stat_statements, any version), or those running now'
            cand health 'The ToWow alert table as checks: connections, deadlocks, XID age, replication lag, cache hit, …'
            cand activity 'Current sessions: state, wait event, query age, blocking pids, client, application'
            cand sizes 'Database, table, index and TOAST sizes, largest first'
            cand indexes 'Index usage: unused, duplicate, invalid and bloated indexes, sequential scans; --rebuild fixes them'
            cand retention 'Delete rows older than a cut-off in short transactions; drop partitions wholly older'
            cand partitions 'Partitioned tables: strategy, key, partitions, default rows, gaps, days until inserts fail; `ensure` creates the next range partitions'
            cand roles 'Create, update or show the least-privilege roles (towow_app, towow_migrate, read-only)'
            cand backup 'Backups you can prove: create (pg_dump), list, verify (restore drills), restore, prune'
            cand local 'Manage the local PostgreSQL cluster used when no connection is configured'
            cand completions 'Print the shell completion script for bash, zsh, fish, powershell or elvish'
            cand man 'Print a man page (roff) on stdout, or write every page into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'towow-db;help;init'= {
        }
        &'towow-db;help;drop'= {
        }
        &'towow-db;help;migrate'= {
            cand up 'Apply pending migrations (the default)'
            cand status 'Every known migration: version, name, state, applied time'
            cand verify 'Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from what they make (built in a throw-away shadow database)'
            cand down 'Roll back applied migrations with their down scripts (deletes data: asks first)'
            cand baseline 'Adopt ToWow tables made without towow-db (the app''s init_db.py): bring them to the ToWow schema keeping every row, and record the history (asks first)'
        }
        &'towow-db;help;migrate;up'= {
        }
        &'towow-db;help;migrate;status'= {
        }
        &'towow-db;help;migrate;verify'= {
        }
        &'towow-db;help;migrate;down'= {
        }
        &'towow-db;help;migrate;baseline'= {
        }
        &'towow-db;help;seed'= {
        }
        &'towow-db;help;mock-agents'= {
        }
        &'towow-db;help;vacuum-report'= {
        }
        &'towow-db;help;slow-query'= {
        }
        &'towow-db;help;health'= {
        }
        &'towow-db;help;activity'= {
        }
        &'towow-db;help;sizes'= {
        }
        &'towow-db;help;indexes'= {
        }
        &'towow-db;help;retention'= {
        }
        &'towow-db;help;partitions'= {
            cand ensure 'Create the next range partitions (timestamp or date key) so that --ahead of them start after now; interval and names inferred from the existing ones, with the parent''s indexes'
        }
        &'towow-db;help;partitions;ensure'= {
        }
        &'towow-db;help;roles'= {
            cand create 'Create (or update) the roles and grant them their privileges; idempotent. Passwords come from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt'
            cand show 'Who may do what on the ToWow tables: every role''s effective privileges, and the default privileges for future tables'
        }
        &'towow-db;help;roles;create'= {
        }
        &'towow-db;help;roles;show'= {
        }
        &'towow-db;help;backup'= {
            cand create 'Back up the database: pg_dump in directory format, in parallel, with a manifest (row counts, sha256 of every file); written under a temporary name, renamed when complete'
            cand list 'Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill'
            cand verify 'The restore drill: check every checksum, restore into a scratch database, compare row counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring'
            cand restore 'Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target holding the backup''s tables unless --clean (asks)'
            cand prune 'Delete old backups: keep those within --keep-days or among the --keep-last newest; never the newest complete nor the newest verified one; incomplete leftovers after a day. Asks'
        }
        &'towow-db;help;backup;create'= {
        }
        &'towow-db;help;backup;list'= {
        }
        &'towow-db;help;backup;verify'= {
        }
        &'towow-db;help;backup;restore'= {
        }
        &'towow-db;help;backup;prune'= {
        }
        &'towow-db;help;local'= {
            cand start 'Create (first time) and start the cluster; does nothing when it already runs'
            cand stop 'Stop the cluster (data kept)'
            cand status 'Whether the cluster exists and runs, where and on which port'
            cand url 'Print the connection URL (last line), usable by psql and as DATABASE_URL'
            cand destroy 'Stop the cluster and delete its data (asks first)'
        }
        &'towow-db;help;local;start'= {
        }
        &'towow-db;help;local;stop'= {
        }
        &'towow-db;help;local;status'= {
        }
        &'towow-db;help;local;url'= {
        }
        &'towow-db;help;local;destroy'= {
        }
        &'towow-db;help;completions'= {
        }
        &'towow-db;help;man'= {
        }
        &'towow-db;help;help'= {
        }
    ]
    $completions[$command]
}
