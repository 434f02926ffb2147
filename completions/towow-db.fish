# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_towow_db_global_optspecs
    string join \n url= targets= all-targets direct-url= wait= statement-timeout= lock-timeout= pool-size= pool-timeout= format= wide columns= v/verbose q/quiet h/help V/version
end

function __fish_towow_db_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_towow_db_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_towow_db_using_subcommand
    set -l cmd (__fish_towow_db_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c towow-db -n "__fish_towow_db_needs_command" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_needs_command" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_needs_command" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_needs_command" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_needs_command" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_needs_command" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_needs_command" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_needs_command" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_needs_command" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_needs_command" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_needs_command" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_needs_command" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_needs_command" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_needs_command" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_needs_command" -s V -l version -d 'Print version'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "init" -d 'Create the database if needed and apply all migrations (like init_db.py, but idempotent)'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "drop" -d 'Drop the ToWow tables and the migration history (asks first)'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "migrate" -d 'Apply, inspect, verify, roll back schema migrations, or adopt a database the app made'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "seed" -d 'Load data: the ToWow sample rows, a seed file, or generated demands at scale (binary COPY)'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "mock-agents" -d 'Load the mock agent set (default 100 agents over ten agent types); re-runs add nothing'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "vacuum-report" -d 'Tables due for VACUUM/ANALYZE (autovacuum\'s own math), XID/MultiXact age, xmin horizon holders'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "slow-query" -d 'The heaviest statements of this database (pg_stat_statements, any version), or those running now'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "health" -d 'The ToWow alert table as checks: connections, deadlocks, XID age, replication lag, cache hit, …'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "activity" -d 'Current sessions: state, wait event, query age, blocking pids, client, application'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "sizes" -d 'Database, table, index and TOAST sizes, largest first'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "replication" -d 'Streaming replication: standbys and their lag (bytes, seconds), slots and the WAL they keep, the archiver; on a standby, its WAL receiver and replay'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "indexes" -d 'Index usage: unused, duplicate, invalid and bloated indexes, sequential scans; --rebuild fixes them'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "retention" -d 'Delete rows older than a cut-off in short transactions; drop partitions wholly older'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "partitions" -d 'Partitioned tables: strategy, key, partitions, default rows, gaps, days until inserts fail; `ensure` creates the next range partitions'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "roles" -d 'Create, update or show the least-privilege roles (towow_app, towow_migrate, read-only)'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "backup" -d 'Backups you can prove: create (pg_dump), list, verify (restore drills), restore, prune'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "local" -d 'Manage the local PostgreSQL cluster used when no connection is configured'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "completions" -d 'Print the shell completion script for bash, zsh, fish, powershell or elvish'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "man" -d 'Print a man page (roff) on stdout, or write every page into a directory'
complete -c towow-db -n "__fish_towow_db_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l mock-agents-count -d 'How many mock agents to load (implies --mock-agents) [default: 100]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l locale -d 'Language of the mock agents\' names and texts' -r -f -a "zh\t'Chinese names and texts (ToWow\'s users)'
en\t'English names and texts'"
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l drop -d 'Drop the ToWow tables first (asks like `drop`, or needs --yes)'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l sample-data -d 'Load the sample rows of the ToWow document (2 agents, 1 demand)'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l mock-agents -d 'Load the mock agent set (default 100 agents)'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l no-create-database -d 'Do not create the database when it does not exist'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand drop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l target -d 'Stop after this version (inclusive)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l lock-wait -d 'How long to wait for another towow-db migrate holding the migration lock' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l dry-run -d 'Print the SQL that would run, in order, and change nothing'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -f -a "up" -d 'Apply pending migrations (the default)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -f -a "status" -d 'Every known migration: version, name, state, applied time'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -f -a "verify" -d 'Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from what they make (built in a throw-away shadow database)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -f -a "down" -d 'Roll back applied migrations with their down scripts (deletes data: asks first)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -f -a "baseline" -d 'Adopt ToWow tables made without towow-db (the app\'s init_db.py): bring them to the ToWow schema keeping every row, and record the history (asks first)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and not __fish_seen_subcommand_from up status verify down baseline help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l target -d 'Stop after this version (inclusive)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l lock-wait -d 'How long to wait for another towow-db migrate holding the migration lock' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l dry-run -d 'Print the SQL that would run, in order, and change nothing'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l fail-on-pending -d 'Also fail when shipped migrations are not applied yet'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l steps -d 'How many migrations to roll back (default 1)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l target -d 'Roll back every migration above this version (0 = all)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l lock-wait -d 'How long to wait for another towow-db migrate holding the migration lock' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l dry-run -d 'Print the SQL that would run and change nothing'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l lock-wait -d 'How long to wait for another towow-db migrate holding the migration lock' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l dry-run -d 'Print what differs and the SQL that would run, and change nothing'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from baseline" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "up" -d 'Apply pending migrations (the default)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "status" -d 'Every known migration: version, name, state, applied time'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from what they make (built in a throw-away shadow database)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "down" -d 'Roll back applied migrations with their down scripts (deletes data: asks first)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "baseline" -d 'Adopt ToWow tables made without towow-db (the app\'s init_db.py): bring them to the ToWow schema keeping every row, and record the history (asks first)'
complete -c towow-db -n "__fish_towow_db_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l file -d 'Load this seed file (JSON Lines, the format of seeds/sample.jsonl) instead of the sample' -r -F
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l demands -d 'Generate this many demands (with their responses and channels)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l responses-per-demand -d 'Agent responses per generated demand [default: 3]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l channels-per-demand -d 'Collaboration channels per generated demand [default: 1]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l seed -d 'Random seed: the same seed gives the same rows, ids included' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l locale -d 'Language of generated names and texts' -r -f -a "zh\t'Chinese names and texts (ToWow\'s users)'
en\t'English names and texts'"
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l as-of -d 'Generate times as if today were this date (fixed by default so that a seed always gives the same rows)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l sample-data -d 'Also load the ToWow sample rows (the default when no --file and no --demands is given)'
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l replace -d 'Delete previously generated demands (and their responses and channels) first. Asks'
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand seed" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l count -d 'How many agents the set has' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l seed -d 'Random seed: the same seed gives the same rows, ids included' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l locale -d 'Language of generated names and texts' -r -f -a "zh\t'Chinese names and texts (ToWow\'s users)'
en\t'English names and texts'"
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l as-of -d 'Generate times as if today were this date (fixed by default so that a seed always gives the same rows)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l replace -d 'Delete every earlier towow-db mock agent (and, by cascade, their responses) first. Asks'
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand mock-agents" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l schema -d 'Only this schema (repeatable)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l table -d 'Only tables with this name (repeatable; combine with --schema for one schema\'s table)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l min-dead-tuples -d 'Only tables with at least N dead tuples (the runbook\'s view is 1000)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l threshold -d 'Override a check\'s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l due -d 'Only tables due for vacuum or analyze'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l bloat -d 'Add the bloat estimate, heap and TOAST (marked unavailable, with the reason, where the statistics are missing or stale)'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l exact -d 'Read each table\'s size from its files (pg_table_size) instead of estimating it from relpages (the pages counted by the last VACUUM/ANALYZE); slower on large catalogs'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l execute -d 'Run VACUUM (ANALYZE) on the tables due for vacuum (ANALYZE on those due only for analyze), one by one, outside a transaction. Asks first unless --yes'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l full -d 'With --execute: VACUUM (FULL, ANALYZE) instead (rewrites the table under an exclusive lock)'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l check -d 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand vacuum-report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l sort -d 'Order by' -r -f -a "total\t'Total time (execution + planning)'
mean\t'Mean time per call'
calls\t'Number of calls'
io\t'Block I/O time (data blocks read and written; temp files not included)'
temp\t'Temporary blocks read and written'"
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l limit -d 'How many statements to show' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l min-calls -d 'Only statements called at least N times' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l min-mean-ms -d 'Only statements whose mean time is at least this many milliseconds' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l longer-than -d 'With --running: only statements (or idle transactions) older than this' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l threshold -d 'Override a check\'s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l running -d 'Show the statements running now (pg_stat_activity) instead of the statistics'
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l reset -d 'Clear this database\'s pg_stat_statements statistics (asks first unless --yes)'
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l check -d 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand slow-query" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l threshold -d 'Override a check\'s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l check -d 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l longer-than -d 'Only statements (or idle transactions) older than this' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l threshold -d 'Override a check\'s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l all -d 'Include background processes (autovacuum workers, walsenders, …), not only client sessions'
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l running -d 'Only statements running now and sessions idle in a transaction'
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l check -d 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand activity" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l schema -d 'Only this schema (repeatable)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l table -d 'Only tables with this name (repeatable; combine with --schema for one schema\'s table)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l limit -d 'Show only the N largest tables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l threshold -d 'Override a check\'s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l check -d 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand sizes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l threshold -d 'Override a check\'s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l check -d 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand replication" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l schema -d 'Only this schema (repeatable)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l table -d 'Only tables with this name (repeatable; combine with --schema for one schema\'s table)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l unused-min-size -d 'Report never-scanned indexes as unused only from this size on' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l min-seq-scans -d 'Tables with at least this many sequential scans…' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l min-rows -d '…and at least this many live rows are listed as sequentially scanned' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l bloat-threshold -d 'With --rebuild: the estimated bloat (%) from which a valid btree index is rebuilt' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l rebuild-min-size -d 'With --rebuild: bloated indexes smaller than this are left alone' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l index -d 'With --rebuild: this index only, whatever its bloat (`name` or `schema.name`, as REINDEX INDEX takes it); an index of a partitioned table: each of its partitions\' indexes' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l threshold -d 'Override a check\'s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l exact -d 'Read each index\'s size from its file (pg_relation_size) instead of estimating it from relpages (the pages counted by the last VACUUM/ANALYZE/CREATE INDEX); slower on large catalogs'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l bloat -d 'Add the statistics-based bloat estimate of btree indexes (no estimate where statistics are missing)'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l rebuild -d 'Rebuild the invalid indexes and the btree indexes estimated bloated past --bloat-threshold, one at a time with REINDEX INDEX CONCURRENTLY; drop leftovers of failed rebuilds. Asks'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l dry-run -d 'With --rebuild: list what would be rebuilt or dropped, change nothing'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l check -d 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand indexes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l table -d 'The table: SCHEMA.TABLE, or TABLE on the search_path; ordinary or partitioned' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l column -d 'Its timestamp or date column (checked first)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l older-than -d 'Delete rows older than this: 30d, 12h, 2w, 6mon, 1y (calendar months and years)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l before -d '…or older than this time (2025-01-01, 2025-01-01T00:00:00Z: what PostgreSQL reads as a timestamptz)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l batch-size -d 'Rows per batch; each batch is one short transaction' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l pause -d 'Pause between batches (e.g. 100ms): room for the application and for replicas to catch up' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l archive -d 'Dump each partition with pg_dump (custom format) into this folder before dropping it' -r -F
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l config -d 'Read the rules from a file instead: one per line, written as the flags --table … --no-vacuum (# starts a comment); each rule runs in turn' -r -F
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l max-duration -d 'Start no batch after this long (a time box for cron); running again continues' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l no-vacuum -d 'Do not VACUUM (ANALYZE) the tables deleted from afterwards'
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l dry-run -d 'Count exactly what would go (rows, bytes, oldest, newest) and change nothing'
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand retention" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l schema -d 'Only this schema (repeatable)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l table -d 'Only tables with this name (repeatable; combine with --schema for one schema\'s table)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l threshold -d 'Override a check\'s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l check -d 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -f -a "ensure" -d 'Create the next range partitions (timestamp or date key) so that --ahead of them start after now; interval and names inferred from the existing ones, with the parent\'s indexes'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and not __fish_seen_subcommand_from ensure help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l table -d 'The partitioned table (SCHEMA.TABLE or TABLE on the search_path); repeatable' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l ahead -d 'How many partitions must start after now (the current period\'s comes on top)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l interval -d 'The period of a partition [default: inferred from the latest partition]' -r -f -a "day\t''
week\t''
month\t''
year\t''"
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l name-pattern -d 'How to name them: strftime fields of the lower bound, e.g. \'messages_%Y_%m\' [default: inferred]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l time-zone -d 'The time zone the bounds are midnights of [default: the session\'s, usually the server\'s]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l dry-run -d 'Show what would be created and create nothing'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from ensure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from help" -f -a "ensure" -d 'Create the next range partitions (timestamp or date key) so that --ahead of them start after now; interval and names inferred from the existing ones, with the parent\'s indexes'
complete -c towow-db -n "__fish_towow_db_using_subcommand partitions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -f -a "create" -d 'Create (or update) the roles and grant them their privileges; idempotent. Passwords come from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -f -a "show" -d 'Who may do what on the ToWow tables: every role\'s effective privileges, and the default privileges for future tables'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and not __fish_seen_subcommand_from create show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l app-role -d 'The application\'s role: DML only (SELECT, INSERT, UPDATE, DELETE; sequences)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l migrate-role -d 'The migration role: CREATE on the schema, owner of the ToWow tables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l readonly-role -d 'Also a read-only role (SELECT only), by default named towow_readonly' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l schema -d 'The schema of the ToWow tables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l keep-owner -d 'Leave the owner of existing ToWow tables alone (then only their owner can migrate them)'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l schema -d 'The schema of the ToWow tables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create (or update) the roles and grant them their privileges; idempotent. Passwords come from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from help" -f -a "show" -d 'Who may do what on the ToWow tables: every role\'s effective privileges, and the default privileges for future tables'
complete -c towow-db -n "__fish_towow_db_using_subcommand roles; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "create" -d 'Back up the database: pg_dump in directory format, in parallel, with a manifest (row counts, sha256 of every file); written under a temporary name, renamed when complete'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "list" -d 'Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "verify" -d 'The restore drill: check every checksum, restore into a scratch database, compare row counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "restore" -d 'Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target holding the backup\'s tables unless --clean (asks)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "prune" -d 'Delete old backups, each database\'s by its own count: keep those within --keep-days or among the --keep-last newest; never a database\'s newest complete nor its newest verified one; incomplete leftovers after a day. Asks'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l dir -d 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]' -r -F
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -s j -l jobs -d 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l dir -d 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]' -r -F
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l into -d 'Create the scratch database on this server (the URL\'s database is only used to connect) instead of the managed local cluster' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -s j -l jobs -d 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l dir -d 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]' -r -F
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l threshold -d 'Override a check\'s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l latest -d 'Drill the newest complete backup (the default without NAME, unless --check is given alone)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l check -d 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l into -d 'The database to restore into (created when missing)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -s j -l jobs -d 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l dir -d 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]' -r -F
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l clean -d 'Drop the backup\'s objects in the target first (pg_restore --clean --if-exists). Asks'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l no-owner -d 'Do not restore the tables\' owners (pg_restore --no-owner): for a server without the roles'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l no-privileges -d 'Do not restore GRANTs (pg_restore --no-privileges)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l keep-days -d 'Keep every complete backup younger than this many days' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l keep-last -d 'Also keep the N newest complete backups of each database, however old' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l dir -d 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]' -r -F
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l dry-run -d 'Only list what would be deleted'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "create" -d 'Back up the database: pg_dump in directory format, in parallel, with a manifest (row counts, sha256 of every file); written under a temporary name, renamed when complete'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "verify" -d 'The restore drill: check every checksum, restore into a scratch database, compare row counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target holding the backup\'s tables unless --clean (asks)'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Delete old backups, each database\'s by its own count: keep those within --keep-days or among the --keep-last newest; never a database\'s newest complete nor its newest verified one; incomplete leftovers after a day. Asks'
complete -c towow-db -n "__fish_towow_db_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -f -a "start" -d 'Create (first time) and start the cluster; does nothing when it already runs'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -f -a "stop" -d 'Stop the cluster (data kept)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -f -a "status" -d 'Whether the cluster exists and runs, where and on which port'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -f -a "url" -d 'Print the connection URL (last line), usable by psql and as DATABASE_URL'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -f -a "destroy" -d 'Stop the cluster and delete its data (asks first)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and not __fish_seen_subcommand_from start stop status url destroy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from url" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -s y -l yes -d 'Do not ask; proceed (needed when there is no terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from destroy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "start" -d 'Create (first time) and start the cluster; does nothing when it already runs'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop the cluster (data kept)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "status" -d 'Whether the cluster exists and runs, where and on which port'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "url" -d 'Print the connection URL (last line), usable by psql and as DATABASE_URL'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "destroy" -d 'Stop the cluster and delete its data (asks first)'
complete -c towow-db -n "__fish_towow_db_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l dir -d 'Write the main page and one page per command (towow-db-init.1, …) into this directory' -r -F
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l url -l database-url -d 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l targets -d 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l direct-url -d 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l wait -d 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`: until the server starts, or a host of the wanted kind accepts (a failover)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l statement-timeout -d 'statement_timeout for the session (`0` = none). Default depends on the command' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l lock-timeout -d 'lock_timeout for the session (`0` = none). Default 30s' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l pool-size -d 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l pool-timeout -d 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l format -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'Machine-readable JSON on stdout'"
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l columns -d 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)' -r
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l all-targets -d 'Report commands: every database of the targets file, concurrently, in one table'
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -l wide -d 'Tables: show every column (the default set fits a terminal)'
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -s v -l verbose -d 'More detail on stderr (repeat for more). Never shows secrets'
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -s q -l quiet -d 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result'
complete -c towow-db -n "__fish_towow_db_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "init" -d 'Create the database if needed and apply all migrations (like init_db.py, but idempotent)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "drop" -d 'Drop the ToWow tables and the migration history (asks first)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "migrate" -d 'Apply, inspect, verify, roll back schema migrations, or adopt a database the app made'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "seed" -d 'Load data: the ToWow sample rows, a seed file, or generated demands at scale (binary COPY)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "mock-agents" -d 'Load the mock agent set (default 100 agents over ten agent types); re-runs add nothing'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "vacuum-report" -d 'Tables due for VACUUM/ANALYZE (autovacuum\'s own math), XID/MultiXact age, xmin horizon holders'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "slow-query" -d 'The heaviest statements of this database (pg_stat_statements, any version), or those running now'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "health" -d 'The ToWow alert table as checks: connections, deadlocks, XID age, replication lag, cache hit, …'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "activity" -d 'Current sessions: state, wait event, query age, blocking pids, client, application'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "sizes" -d 'Database, table, index and TOAST sizes, largest first'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "replication" -d 'Streaming replication: standbys and their lag (bytes, seconds), slots and the WAL they keep, the archiver; on a standby, its WAL receiver and replay'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "indexes" -d 'Index usage: unused, duplicate, invalid and bloated indexes, sequential scans; --rebuild fixes them'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "retention" -d 'Delete rows older than a cut-off in short transactions; drop partitions wholly older'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "partitions" -d 'Partitioned tables: strategy, key, partitions, default rows, gaps, days until inserts fail; `ensure` creates the next range partitions'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "roles" -d 'Create, update or show the least-privilege roles (towow_app, towow_migrate, read-only)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "backup" -d 'Backups you can prove: create (pg_dump), list, verify (restore drills), restore, prune'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "local" -d 'Manage the local PostgreSQL cluster used when no connection is configured'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "completions" -d 'Print the shell completion script for bash, zsh, fish, powershell or elvish'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "man" -d 'Print a man page (roff) on stdout, or write every page into a directory'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and not __fish_seen_subcommand_from init drop migrate seed mock-agents vacuum-report slow-query health activity sizes replication indexes retention partitions roles backup local completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "up" -d 'Apply pending migrations (the default)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "status" -d 'Every known migration: version, name, state, applied time'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "verify" -d 'Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from what they make (built in a throw-away shadow database)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "down" -d 'Roll back applied migrations with their down scripts (deletes data: asks first)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "baseline" -d 'Adopt ToWow tables made without towow-db (the app\'s init_db.py): bring them to the ToWow schema keeping every row, and record the history (asks first)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from partitions" -f -a "ensure" -d 'Create the next range partitions (timestamp or date key) so that --ahead of them start after now; interval and names inferred from the existing ones, with the parent\'s indexes'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from roles" -f -a "create" -d 'Create (or update) the roles and grant them their privileges; idempotent. Passwords come from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from roles" -f -a "show" -d 'Who may do what on the ToWow tables: every role\'s effective privileges, and the default privileges for future tables'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "create" -d 'Back up the database: pg_dump in directory format, in parallel, with a manifest (row counts, sha256 of every file); written under a temporary name, renamed when complete'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "list" -d 'Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "verify" -d 'The restore drill: check every checksum, restore into a scratch database, compare row counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "restore" -d 'Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target holding the backup\'s tables unless --clean (asks)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "prune" -d 'Delete old backups, each database\'s by its own count: keep those within --keep-days or among the --keep-last newest; never a database\'s newest complete nor its newest verified one; incomplete leftovers after a day. Asks'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "start" -d 'Create (first time) and start the cluster; does nothing when it already runs'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "stop" -d 'Stop the cluster (data kept)'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "status" -d 'Whether the cluster exists and runs, where and on which port'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "url" -d 'Print the connection URL (last line), usable by psql and as DATABASE_URL'
complete -c towow-db -n "__fish_towow_db_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "destroy" -d 'Stop the cluster and delete its data (asks first)'
