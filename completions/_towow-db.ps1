
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'towow-db' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'towow-db'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'towow-db' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the database if needed and apply all migrations (like init_db.py, but idempotent)')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Drop the ToWow tables and the migration history (asks first)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply, inspect, verify, roll back schema migrations, or adopt a database the app made')
            [CompletionResult]::new('seed', 'seed', [CompletionResultType]::ParameterValue, 'Load data: the ToWow sample rows, a seed file, or generated demands at scale (binary COPY)')
            [CompletionResult]::new('mock-agents', 'mock-agents', [CompletionResultType]::ParameterValue, 'Load the mock agent set (default 100 agents over ten agent types); re-runs add nothing')
            [CompletionResult]::new('vacuum-report', 'vacuum-report', [CompletionResultType]::ParameterValue, 'Tables due for VACUUM/ANALYZE (autovacuum''s own math), XID/MultiXact age, xmin horizon holders')
            [CompletionResult]::new('slow-query', 'slow-query', [CompletionResultType]::ParameterValue, 'The heaviest statements of this database (pg_stat_statements, any version), or those running now')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'The ToWow alert table as checks: connections, deadlocks, XID age, replication lag, cache hit, …')
            [CompletionResult]::new('activity', 'activity', [CompletionResultType]::ParameterValue, 'Current sessions: state, wait event, query age, blocking pids, client, application')
            [CompletionResult]::new('sizes', 'sizes', [CompletionResultType]::ParameterValue, 'Database, table, index and TOAST sizes, largest first')
            [CompletionResult]::new('replication', 'replication', [CompletionResultType]::ParameterValue, 'Streaming replication: standbys and their lag (bytes, seconds), slots and the WAL they keep, the archiver; on a standby, its WAL receiver and replay')
            [CompletionResult]::new('indexes', 'indexes', [CompletionResultType]::ParameterValue, 'Index usage: unused, duplicate, invalid and bloated indexes, sequential scans; --rebuild fixes them')
            [CompletionResult]::new('advise', 'advise', [CompletionResultType]::ParameterValue, 'Index advice for the heaviest statements, proven with hypopg; --create builds it and measures the statements before and after')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'One self-contained HTML page of a database''s health and trends (or of several): mail it, attach it to a ticket, archive it')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Record one reading of the statistics in the history store (for windowed checks, trends, `slow-query --since`, `sizes --growth`); safe to run every minute from cron')
            [CompletionResult]::new('retention', 'retention', [CompletionResultType]::ParameterValue, 'Delete rows older than a cut-off in short transactions; drop partitions wholly older')
            [CompletionResult]::new('partitions', 'partitions', [CompletionResultType]::ParameterValue, 'Partitioned tables: strategy, key, partitions, default rows, gaps, days until inserts fail; `ensure` creates the next range partitions')
            [CompletionResult]::new('roles', 'roles', [CompletionResultType]::ParameterValue, 'Create, update or show the least-privilege roles (towow_app, towow_migrate, read-only)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Backups you can prove: create (pg_dump), list, verify (restore drills), restore, prune')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Manage the local PostgreSQL cluster used when no connection is configured')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for bash, zsh, fish, powershell or elvish')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) on stdout, or write every page into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;init' {
            [CompletionResult]::new('--mock-agents-count', '--mock-agents-count', [CompletionResultType]::ParameterName, 'How many mock agents to load (implies --mock-agents) [default: 100]')
            [CompletionResult]::new('--locale', '--locale', [CompletionResultType]::ParameterName, 'Language of the mock agents'' names and texts')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--drop', '--drop', [CompletionResultType]::ParameterName, 'Drop the ToWow tables first (asks like `drop`, or needs --yes)')
            [CompletionResult]::new('--sample-data', '--sample-data', [CompletionResultType]::ParameterName, 'Load the sample rows of the ToWow document (2 agents, 1 demand)')
            [CompletionResult]::new('--mock-agents', '--mock-agents', [CompletionResultType]::ParameterName, 'Load the mock agent set (default 100 agents)')
            [CompletionResult]::new('--no-create-database', '--no-create-database', [CompletionResultType]::ParameterName, 'Do not create the database when it does not exist')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;drop' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;migrate' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Stop after this version (inclusive)')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'How long to wait for another towow-db migrate holding the migration lock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the SQL that would run, in order, and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Apply the ToWow migrations even where another migration tool (Alembic, Flyway, Prisma, sqlx, refinery for another app) manages the database')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Apply pending migrations (the default)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Every known migration: version, name, state, applied time; the ToWow tables checked against the history (exit 1 when they are not what it says), or the migration tool that manages the database instead')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from what they make (built in a throw-away shadow database)')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Roll back applied migrations with their down scripts (deletes data: asks first)')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Adopt ToWow tables made without towow-db (the app''s init_db.py): bring them to the ToWow schema keeping every row, and record the history (asks first). --force: adopt again tables the app rebuilt under an existing history')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;migrate;up' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Stop after this version (inclusive)')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'How long to wait for another towow-db migrate holding the migration lock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the SQL that would run, in order, and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Apply the ToWow migrations even where another migration tool (Alembic, Flyway, Prisma, sqlx, refinery for another app) manages the database')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;migrate;status' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;migrate;verify' {
            [CompletionResult]::new('--shadow-url', '--shadow-url', [CompletionResultType]::ParameterName, 'Build the shadow database (the schema the migrations make) on this server when the target''s role may not create databases there, e.g. `"$(towow-db local url | tail -n1)"` [env: TOWOW_SHADOW_URL]. No server is ever started for it')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--fail-on-pending', '--fail-on-pending', [CompletionResultType]::ParameterName, 'Also fail when shipped migrations are not applied yet')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Compare even where another migration tool (Alembic, Flyway, Prisma, sqlx, refinery for another app) manages the database')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;migrate;down' {
            [CompletionResult]::new('--steps', '--steps', [CompletionResultType]::ParameterName, 'How many migrations to roll back (default 1)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Roll back every migration above this version (0 = all)')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'How long to wait for another towow-db migrate holding the migration lock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the SQL that would run and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;migrate;baseline' {
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'How long to wait for another towow-db migrate holding the migration lock')
            [CompletionResult]::new('--shadow-url', '--shadow-url', [CompletionResultType]::ParameterName, 'Build the shadow database (the schema the migrations make) on this server when the target''s role may not create databases there, e.g. `"$(towow-db local url | tail -n1)"` [env: TOWOW_SHADOW_URL]. No server is ever started for it')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what differs and the SQL that would run, and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Adopt even a database that has a migration history (replaced by the adopted one: for tables the app rebuilt after towow-db made them), or that another migration tool manages')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;migrate;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Apply pending migrations (the default)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Every known migration: version, name, state, applied time; the ToWow tables checked against the history (exit 1 when they are not what it says), or the migration tool that manages the database instead')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from what they make (built in a throw-away shadow database)')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Roll back applied migrations with their down scripts (deletes data: asks first)')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Adopt ToWow tables made without towow-db (the app''s init_db.py): bring them to the ToWow schema keeping every row, and record the history (asks first). --force: adopt again tables the app rebuilt under an existing history')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;migrate;help;up' {
            break
        }
        'towow-db;migrate;help;status' {
            break
        }
        'towow-db;migrate;help;verify' {
            break
        }
        'towow-db;migrate;help;down' {
            break
        }
        'towow-db;migrate;help;baseline' {
            break
        }
        'towow-db;migrate;help;help' {
            break
        }
        'towow-db;seed' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Load this seed file (JSON Lines, the format of seeds/sample.jsonl) instead of the sample')
            [CompletionResult]::new('--demands', '--demands', [CompletionResultType]::ParameterName, 'Generate this many demands (with their responses and channels)')
            [CompletionResult]::new('--responses-per-demand', '--responses-per-demand', [CompletionResultType]::ParameterName, 'Agent responses per generated demand [default: 3]')
            [CompletionResult]::new('--channels-per-demand', '--channels-per-demand', [CompletionResultType]::ParameterName, 'Collaboration channels per generated demand [default: 1]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Random seed: the same seed gives the same rows, ids included')
            [CompletionResult]::new('--locale', '--locale', [CompletionResultType]::ParameterName, 'Language of generated names and texts')
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'Generate times as if today were this date (fixed by default so that a seed always gives the same rows)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--sample-data', '--sample-data', [CompletionResultType]::ParameterName, 'Also load the ToWow sample rows (the default when no --file and no --demands is given)')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Delete previously generated demands (and their responses and channels) first. Asks')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;mock-agents' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many agents the set has')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Random seed: the same seed gives the same rows, ids included')
            [CompletionResult]::new('--locale', '--locale', [CompletionResultType]::ParameterName, 'Language of generated names and texts')
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'Generate times as if today were this date (fixed by default so that a seed always gives the same rows)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Delete every earlier towow-db mock agent (and, by cascade, their responses) first. Asks')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;vacuum-report' {
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Only this schema (repeatable)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Only tables with this name (repeatable; combine with --schema for one schema''s table)')
            [CompletionResult]::new('--min-dead-tuples', '--min-dead-tuples', [CompletionResultType]::ParameterName, 'Only tables with at least N dead tuples (the runbook''s view is 1000)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--due', '--due', [CompletionResultType]::ParameterName, 'Only tables due for vacuum or analyze')
            [CompletionResult]::new('--bloat', '--bloat', [CompletionResultType]::ParameterName, 'Add the bloat estimate, heap and TOAST (marked unavailable, with the reason, where the statistics are missing or stale)')
            [CompletionResult]::new('--exact', '--exact', [CompletionResultType]::ParameterName, 'Read each table''s size from its files (pg_table_size) instead of estimating it from relpages (the pages counted by the last VACUUM/ANALYZE); slower on large catalogs')
            [CompletionResult]::new('--execute', '--execute', [CompletionResultType]::ParameterName, 'Run VACUUM (ANALYZE) on the tables due for vacuum (ANALYZE on those due only for analyze), one by one, outside a transaction. Asks first unless --yes')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'With --execute: VACUUM (FULL, ANALYZE) instead (rewrites the table under an exclusive lock)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;slow-query' {
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order by')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many statements to show')
            [CompletionResult]::new('--min-calls', '--min-calls', [CompletionResultType]::ParameterName, 'Only statements called at least N times')
            [CompletionResult]::new('--min-mean-ms', '--min-mean-ms', [CompletionResultType]::ParameterName, 'Only statements whose mean time is at least this many milliseconds')
            [CompletionResult]::new('--longer-than', '--longer-than', [CompletionResultType]::ParameterName, 'With --running: only statements (or idle transactions) older than this')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'What the statements did in the last DURATION (from the history''s snapshots and the current counters), not since the statistics reset: new and slower statements called out')
            [CompletionResult]::new('--between', '--between', [CompletionResultType]::ParameterName, 'What the statements did between two times (2026-12-01T10:00:00Z, or 2026-12-01 for midnight UTC), from the snapshots at or before each')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--running', '--running', [CompletionResultType]::ParameterName, 'Show the statements running now (pg_stat_activity) instead of the statistics')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'Clear this database''s pg_stat_statements statistics (asks first unless --yes)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;health' {
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Compare now with the latest snapshot at least this old: deadlocks, slow queries per minute and CPU are judged over it, so an alert clears once its cause is out of the window')
            [CompletionResult]::new('--expect-standbys', '--expect-standbys', [CompletionResultType]::ParameterName, 'CRITICAL when fewer standbys than this stream from the server (a dead standby pages); also `expect_standbys` per target in towow-db.toml')
            [CompletionResult]::new('--slow', '--slow', [CompletionResultType]::ParameterName, 'What a slow execution is, for `slow_queries_per_min` (the ToWow document''s `log_min_duration_statement = 1000`)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;activity' {
            [CompletionResult]::new('--longer-than', '--longer-than', [CompletionResultType]::ParameterName, 'Only statements (or idle transactions) older than this')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include background processes (autovacuum workers, walsenders, …), not only client sessions')
            [CompletionResult]::new('--running', '--running', [CompletionResultType]::ParameterName, 'Only statements running now and sessions idle in a transaction')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;sizes' {
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Only this schema (repeatable)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Only tables with this name (repeatable; combine with --schema for one schema''s table)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show only the N largest tables')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'With --growth: over the last DURATION only (default: all the history)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--growth', '--growth', [CompletionResultType]::ParameterName, 'Growth instead of sizes: bytes per day of the database and each table over the history (`towow-db snapshot`), and the days until the disk is full at that rate')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;replication' {
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables')
            [CompletionResult]::new('--expect-standbys', '--expect-standbys', [CompletionResultType]::ParameterName, 'CRITICAL when fewer standbys than this stream from the server (check `standbys_streaming`); also `expect_standbys` per target in towow-db.toml')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;indexes' {
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Only this schema (repeatable)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Only tables with this name (repeatable; combine with --schema for one schema''s table)')
            [CompletionResult]::new('--unused-min-size', '--unused-min-size', [CompletionResultType]::ParameterName, 'Report never-scanned indexes as unused only from this size on')
            [CompletionResult]::new('--min-seq-scans', '--min-seq-scans', [CompletionResultType]::ParameterName, 'Tables with at least this many sequential scans…')
            [CompletionResult]::new('--min-rows', '--min-rows', [CompletionResultType]::ParameterName, '…and at least this many live rows are listed as sequentially scanned')
            [CompletionResult]::new('--bloat-threshold', '--bloat-threshold', [CompletionResultType]::ParameterName, 'With --rebuild: the estimated bloat (%) from which a valid btree index is rebuilt')
            [CompletionResult]::new('--rebuild-min-size', '--rebuild-min-size', [CompletionResultType]::ParameterName, 'With --rebuild: bloated indexes smaller than this are left alone')
            [CompletionResult]::new('--index', '--index', [CompletionResultType]::ParameterName, 'With --rebuild: this index only, whatever its bloat (`name` or `schema.name`, as REINDEX INDEX takes it); an index of a partitioned table: each of its partitions'' indexes')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--exact', '--exact', [CompletionResultType]::ParameterName, 'Read each index''s size from its file (pg_relation_size) instead of estimating it from relpages (the pages counted by the last VACUUM/ANALYZE/CREATE INDEX); slower on large catalogs')
            [CompletionResult]::new('--bloat', '--bloat', [CompletionResultType]::ParameterName, 'Add the statistics-based bloat estimate of btree indexes (no estimate where statistics are missing)')
            [CompletionResult]::new('--rebuild', '--rebuild', [CompletionResultType]::ParameterName, 'Rebuild the invalid indexes and the btree indexes estimated bloated past --bloat-threshold, one at a time with REINDEX INDEX CONCURRENTLY; drop leftovers of failed rebuilds. Asks')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'With --rebuild: list what would be rebuilt or dropped, change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;advise' {
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Rank the statements as slow-query does, by')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many of the heaviest statements to examine')
            [CompletionResult]::new('--min-calls', '--min-calls', [CompletionResultType]::ParameterName, 'Only statements called at least N times')
            [CompletionResult]::new('--min-mean-ms', '--min-mean-ms', [CompletionResultType]::ParameterName, 'Only statements whose mean time is at least this many milliseconds')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Only this schema (repeatable)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Only tables with this name (repeatable; combine with --schema for one schema''s table)')
            [CompletionResult]::new('--min-speedup', '--min-speedup', [CompletionResultType]::ParameterName, 'Keep a candidate only when a statement''s planned cost with it falls at least this many times (2: to half or less)')
            [CompletionResult]::new('--max-columns', '--max-columns', [CompletionResultType]::ParameterName, 'The widest index to propose, in columns')
            [CompletionResult]::new('--runs', '--runs', [CompletionResultType]::ParameterName, 'With --create: how many times each statement runs, before and after (the fastest counts)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Build the advised indexes (CREATE INDEX CONCURRENTLY, one at a time), after measuring the read-only statements they help (EXPLAIN ANALYZE, representative parameters) and again after. Asks first unless --yes')
            [CompletionResult]::new('--drop-unhelpful', '--drop-unhelpful', [CompletionResultType]::ParameterName, 'With --create: drop (DROP INDEX CONCURRENTLY) each new index whose statements did not get at least --min-speedup times faster when measured')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;report' {
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Write the page here (`-`: standard output)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'The period of the charts and of the heaviest statements (from the history)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Tables and statements per chart and per table')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Compare now with the latest snapshot at least this old: deadlocks, slow queries per minute and CPU are judged over it, so an alert clears once its cause is out of the window')
            [CompletionResult]::new('--expect-standbys', '--expect-standbys', [CompletionResultType]::ParameterName, 'As `health --expect-standbys`')
            [CompletionResult]::new('--slow', '--slow', [CompletionResultType]::ParameterName, 'As `health --slow`')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a health check''s thresholds, as `health --threshold`')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;snapshot' {
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Prune this target''s snapshots older than this (the figures at the cut-off are kept)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;retention' {
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'The table: SCHEMA.TABLE, or TABLE on the search_path; ordinary or partitioned')
            [CompletionResult]::new('--column', '--column', [CompletionResultType]::ParameterName, 'Its timestamp or date column (checked first)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Delete rows older than this: 30d, 12h, 2w, 6mon, 1y (calendar months and years)')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, '…or older than this time (2025-01-01, 2025-01-01T00:00:00Z: what PostgreSQL reads as a timestamptz)')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Rows per batch, the rows that ON DELETE CASCADE deletes with them in other tables included; each batch is one short transaction')
            [CompletionResult]::new('--pause', '--pause', [CompletionResultType]::ParameterName, 'Pause between batches (e.g. 100ms): room for the application and for replicas to catch up')
            [CompletionResult]::new('--archive', '--archive', [CompletionResultType]::ParameterName, 'Dump each partition with pg_dump (custom format) into this folder before dropping it')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the rules from a file instead: one per line, written as the flags --table … --no-vacuum (# starts a comment); each rule runs in turn')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Start no batch after this long (a time box for cron); running again continues')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--no-vacuum', '--no-vacuum', [CompletionResultType]::ParameterName, 'Do not VACUUM (ANALYZE) the tables deleted from afterwards (the cascades'' too)')
            [CompletionResult]::new('--no-cascade', '--no-cascade', [CompletionResultType]::ParameterName, 'Refuse the rule when its old rows have rows in other tables that ON DELETE CASCADE (or SET NULL) would change: for those who clean the children first, themselves')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Count exactly what would go (rows, bytes, oldest, newest) and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;partitions' {
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Only this schema (repeatable)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Only tables with this name (repeatable; combine with --schema for one schema''s table)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('ensure', 'ensure', [CompletionResultType]::ParameterValue, 'Create the next range partitions (timestamp or date key) so that --ahead of them start after now; interval and names inferred from the existing ones, with the parent''s indexes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;partitions;ensure' {
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'The partitioned table (SCHEMA.TABLE or TABLE on the search_path); repeatable')
            [CompletionResult]::new('--ahead', '--ahead', [CompletionResultType]::ParameterName, 'How many partitions must start after now (the current period''s comes on top)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'The period of a partition [default: inferred from the latest partition]')
            [CompletionResult]::new('--name-pattern', '--name-pattern', [CompletionResultType]::ParameterName, 'How to name them: strftime fields of the lower bound, e.g. ''messages_%Y_%m'' [default: inferred]')
            [CompletionResult]::new('--time-zone', '--time-zone', [CompletionResultType]::ParameterName, 'The time zone the bounds are midnights of [default: the session''s, usually the server''s]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be created and create nothing')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;partitions;help' {
            [CompletionResult]::new('ensure', 'ensure', [CompletionResultType]::ParameterValue, 'Create the next range partitions (timestamp or date key) so that --ahead of them start after now; interval and names inferred from the existing ones, with the parent''s indexes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;partitions;help;ensure' {
            break
        }
        'towow-db;partitions;help;help' {
            break
        }
        'towow-db;roles' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create (or update) the roles and grant them their privileges; idempotent. Passwords come from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Who may do what on the ToWow tables: every role''s effective privileges, and the default privileges for future tables')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;roles;create' {
            [CompletionResult]::new('--app-role', '--app-role', [CompletionResultType]::ParameterName, 'The application''s role: DML only (SELECT, INSERT, UPDATE, DELETE; sequences)')
            [CompletionResult]::new('--migrate-role', '--migrate-role', [CompletionResultType]::ParameterName, 'The migration role: CREATE on the schema, owner of the ToWow tables')
            [CompletionResult]::new('--readonly-role', '--readonly-role', [CompletionResultType]::ParameterName, 'Also a read-only role (SELECT only), by default named towow_readonly')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The schema of the ToWow tables')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--keep-owner', '--keep-owner', [CompletionResultType]::ParameterName, 'Leave the owner of existing ToWow tables alone (then only their owner can migrate them)')
            [CompletionResult]::new('--reset-password', '--reset-password', [CompletionResultType]::ParameterName, 'Also set the password of roles that exist already (from TOWOW_*_PASSWORD or the prompt). Roles belong to the whole cluster: without it, an existing role''s password is never changed, since other databases may use that role')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;roles;show' {
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The schema of the ToWow tables')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;roles;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create (or update) the roles and grant them their privileges; idempotent. Passwords come from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Who may do what on the ToWow tables: every role''s effective privileges, and the default privileges for future tables')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;roles;help;create' {
            break
        }
        'towow-db;roles;help;show' {
            break
        }
        'towow-db;roles;help;help' {
            break
        }
        'towow-db;backup' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Back up the database: pg_dump in directory format, in parallel (or --dump-format custom: one .dump file), with a manifest (every table''s row count, sha256 of every file); written under a temporary name, renamed when complete')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'The restore drill: check every checksum, restore into a scratch database, compare row counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target holding the backup''s tables unless --clean (asks)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete old backups, each database''s by its own count: keep those within --keep-days or among the --keep-last newest; never a database''s newest complete nor its newest verified one; incomplete leftovers after a day. Asks')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;backup;create' {
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'pg_dump''s format: `directory` (a folder, dumped with --jobs in parallel) or `custom` (one `.dump` file, pg_dump -Fc, dumped by one job); both gzip-compressed at level 6 and restored in parallel. (`--format` is the output''s: table or json.)')
            [CompletionResult]::new('--dump-format', '--dump-format', [CompletionResultType]::ParameterName, 'pg_dump''s format: `directory` (a folder, dumped with --jobs in parallel) or `custom` (one `.dump` file, pg_dump -Fc, dumped by one job); both gzip-compressed at level 6 and restored in parallel. (`--format` is the output''s: table or json.)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;backup;list' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;backup;verify' {
            [CompletionResult]::new('--into', '--into', [CompletionResultType]::ParameterName, 'Create the scratch database on this server (the URL''s database is only used to connect) instead of the target''s own server (--url, DATABASE_URL, …; --local for the local cluster)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Override a check''s thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--latest', '--latest', [CompletionResultType]::ParameterName, 'Drill the newest complete backup (the default without NAME, unless --check is given alone)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also UNKNOWN when the data cannot be read)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;backup;restore' {
            [CompletionResult]::new('--into', '--into', [CompletionResultType]::ParameterName, 'The database to restore into (created when missing)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--clean', '--clean', [CompletionResultType]::ParameterName, 'Drop the backup''s objects in the target first (pg_restore --clean --if-exists). Asks')
            [CompletionResult]::new('--no-owner', '--no-owner', [CompletionResultType]::ParameterName, 'Do not restore the tables'' owners (pg_restore --no-owner): for a server without the roles')
            [CompletionResult]::new('--no-privileges', '--no-privileges', [CompletionResultType]::ParameterName, 'Do not restore GRANTs (pg_restore --no-privileges)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;backup;prune' {
            [CompletionResult]::new('--keep-days', '--keep-days', [CompletionResultType]::ParameterName, 'Keep every complete backup younger than this many days')
            [CompletionResult]::new('--keep-last', '--keep-last', [CompletionResultType]::ParameterName, 'Also keep the N newest complete backups of each database, however old')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only list what would be deleted')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;backup;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Back up the database: pg_dump in directory format, in parallel (or --dump-format custom: one .dump file), with a manifest (every table''s row count, sha256 of every file); written under a temporary name, renamed when complete')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'The restore drill: check every checksum, restore into a scratch database, compare row counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target holding the backup''s tables unless --clean (asks)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete old backups, each database''s by its own count: keep those within --keep-days or among the --keep-last newest; never a database''s newest complete nor its newest verified one; incomplete leftovers after a day. Asks')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;backup;help;create' {
            break
        }
        'towow-db;backup;help;list' {
            break
        }
        'towow-db;backup;help;verify' {
            break
        }
        'towow-db;backup;help;restore' {
            break
        }
        'towow-db;backup;help;prune' {
            break
        }
        'towow-db;backup;help;help' {
            break
        }
        'towow-db;local' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Create (first time) and start the cluster; does nothing when it already runs')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the cluster (data kept)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Whether the cluster exists and runs, where and on which port')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print the connection URL (last line), usable by psql and as DATABASE_URL')
            [CompletionResult]::new('destroy', 'destroy', [CompletionResultType]::ParameterValue, 'Stop the cluster and delete its data (asks first)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;local;start' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;local;stop' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;local;status' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;local;url' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;local;destroy' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; proceed (needed when there is no terminal)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;local;help' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Create (first time) and start the cluster; does nothing when it already runs')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the cluster (data kept)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Whether the cluster exists and runs, where and on which port')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print the connection URL (last line), usable by psql and as DATABASE_URL')
            [CompletionResult]::new('destroy', 'destroy', [CompletionResultType]::ParameterValue, 'Stop the cluster and delete its data (asks first)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;local;help;start' {
            break
        }
        'towow-db;local;help;stop' {
            break
        }
        'towow-db;local;help;status' {
            break
        }
        'towow-db;local;help;url' {
            break
        }
        'towow-db;local;help;destroy' {
            break
        }
        'towow-db;local;help;help' {
            break
        }
        'towow-db;completions' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the main page and one page per command (towow-db-init.1, …) into this directory')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string; several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The report commands take it more than once: one database each')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated or repeated; several for the report commands only')
            [CompletionResult]::new('--history-url', '--history-url', [CompletionResultType]::ParameterName, 'Where the history of snapshots is kept (a central database for a fleet) [env: TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself')
            [CompletionResult]::new('--direct-url', '--direct-url', [CompletionResultType]::ParameterName, 'Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2min`: until the server starts, or a host of the wanted kind accepts (a failover)')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'statement_timeout for the session (`0` = none). Default depends on the command')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'lock_timeout for the session (`0` = none). Default 30s')
            [CompletionResult]::new('--pool-size', '--pool-size', [CompletionResultType]::ParameterName, 'Maximum connections in the pool [env: DB_POOL_SIZE] (default 4)')
            [CompletionResult]::new('--pool-timeout', '--pool-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`)')
            [CompletionResult]::new('--all-targets', '--all-targets', [CompletionResultType]::ParameterName, 'Report commands: every database of the targets file, concurrently, in one table')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'The managed local cluster, said explicitly: what the commands that act on or judge production data (backups, retention, `--check`, …) need to use it when nothing else is configured (docs/connecting.md#the-local-cluster)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables: show every column (the default set fits a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more). Never shows secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Errors only: no tables, notes or progress (JSON still prints with --format json); the exit code carries the result')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'towow-db;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the database if needed and apply all migrations (like init_db.py, but idempotent)')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Drop the ToWow tables and the migration history (asks first)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply, inspect, verify, roll back schema migrations, or adopt a database the app made')
            [CompletionResult]::new('seed', 'seed', [CompletionResultType]::ParameterValue, 'Load data: the ToWow sample rows, a seed file, or generated demands at scale (binary COPY)')
            [CompletionResult]::new('mock-agents', 'mock-agents', [CompletionResultType]::ParameterValue, 'Load the mock agent set (default 100 agents over ten agent types); re-runs add nothing')
            [CompletionResult]::new('vacuum-report', 'vacuum-report', [CompletionResultType]::ParameterValue, 'Tables due for VACUUM/ANALYZE (autovacuum''s own math), XID/MultiXact age, xmin horizon holders')
            [CompletionResult]::new('slow-query', 'slow-query', [CompletionResultType]::ParameterValue, 'The heaviest statements of this database (pg_stat_statements, any version), or those running now')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'The ToWow alert table as checks: connections, deadlocks, XID age, replication lag, cache hit, …')
            [CompletionResult]::new('activity', 'activity', [CompletionResultType]::ParameterValue, 'Current sessions: state, wait event, query age, blocking pids, client, application')
            [CompletionResult]::new('sizes', 'sizes', [CompletionResultType]::ParameterValue, 'Database, table, index and TOAST sizes, largest first')
            [CompletionResult]::new('replication', 'replication', [CompletionResultType]::ParameterValue, 'Streaming replication: standbys and their lag (bytes, seconds), slots and the WAL they keep, the archiver; on a standby, its WAL receiver and replay')
            [CompletionResult]::new('indexes', 'indexes', [CompletionResultType]::ParameterValue, 'Index usage: unused, duplicate, invalid and bloated indexes, sequential scans; --rebuild fixes them')
            [CompletionResult]::new('advise', 'advise', [CompletionResultType]::ParameterValue, 'Index advice for the heaviest statements, proven with hypopg; --create builds it and measures the statements before and after')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'One self-contained HTML page of a database''s health and trends (or of several): mail it, attach it to a ticket, archive it')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Record one reading of the statistics in the history store (for windowed checks, trends, `slow-query --since`, `sizes --growth`); safe to run every minute from cron')
            [CompletionResult]::new('retention', 'retention', [CompletionResultType]::ParameterValue, 'Delete rows older than a cut-off in short transactions; drop partitions wholly older')
            [CompletionResult]::new('partitions', 'partitions', [CompletionResultType]::ParameterValue, 'Partitioned tables: strategy, key, partitions, default rows, gaps, days until inserts fail; `ensure` creates the next range partitions')
            [CompletionResult]::new('roles', 'roles', [CompletionResultType]::ParameterValue, 'Create, update or show the least-privilege roles (towow_app, towow_migrate, read-only)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Backups you can prove: create (pg_dump), list, verify (restore drills), restore, prune')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Manage the local PostgreSQL cluster used when no connection is configured')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for bash, zsh, fish, powershell or elvish')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) on stdout, or write every page into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'towow-db;help;init' {
            break
        }
        'towow-db;help;drop' {
            break
        }
        'towow-db;help;migrate' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Apply pending migrations (the default)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Every known migration: version, name, state, applied time; the ToWow tables checked against the history (exit 1 when they are not what it says), or the migration tool that manages the database instead')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from what they make (built in a throw-away shadow database)')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Roll back applied migrations with their down scripts (deletes data: asks first)')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Adopt ToWow tables made without towow-db (the app''s init_db.py): bring them to the ToWow schema keeping every row, and record the history (asks first). --force: adopt again tables the app rebuilt under an existing history')
            break
        }
        'towow-db;help;migrate;up' {
            break
        }
        'towow-db;help;migrate;status' {
            break
        }
        'towow-db;help;migrate;verify' {
            break
        }
        'towow-db;help;migrate;down' {
            break
        }
        'towow-db;help;migrate;baseline' {
            break
        }
        'towow-db;help;seed' {
            break
        }
        'towow-db;help;mock-agents' {
            break
        }
        'towow-db;help;vacuum-report' {
            break
        }
        'towow-db;help;slow-query' {
            break
        }
        'towow-db;help;health' {
            break
        }
        'towow-db;help;activity' {
            break
        }
        'towow-db;help;sizes' {
            break
        }
        'towow-db;help;replication' {
            break
        }
        'towow-db;help;indexes' {
            break
        }
        'towow-db;help;advise' {
            break
        }
        'towow-db;help;report' {
            break
        }
        'towow-db;help;snapshot' {
            break
        }
        'towow-db;help;retention' {
            break
        }
        'towow-db;help;partitions' {
            [CompletionResult]::new('ensure', 'ensure', [CompletionResultType]::ParameterValue, 'Create the next range partitions (timestamp or date key) so that --ahead of them start after now; interval and names inferred from the existing ones, with the parent''s indexes')
            break
        }
        'towow-db;help;partitions;ensure' {
            break
        }
        'towow-db;help;roles' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create (or update) the roles and grant them their privileges; idempotent. Passwords come from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Who may do what on the ToWow tables: every role''s effective privileges, and the default privileges for future tables')
            break
        }
        'towow-db;help;roles;create' {
            break
        }
        'towow-db;help;roles;show' {
            break
        }
        'towow-db;help;backup' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Back up the database: pg_dump in directory format, in parallel (or --dump-format custom: one .dump file), with a manifest (every table''s row count, sha256 of every file); written under a temporary name, renamed when complete')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'The restore drill: check every checksum, restore into a scratch database, compare row counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target holding the backup''s tables unless --clean (asks)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete old backups, each database''s by its own count: keep those within --keep-days or among the --keep-last newest; never a database''s newest complete nor its newest verified one; incomplete leftovers after a day. Asks')
            break
        }
        'towow-db;help;backup;create' {
            break
        }
        'towow-db;help;backup;list' {
            break
        }
        'towow-db;help;backup;verify' {
            break
        }
        'towow-db;help;backup;restore' {
            break
        }
        'towow-db;help;backup;prune' {
            break
        }
        'towow-db;help;local' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Create (first time) and start the cluster; does nothing when it already runs')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the cluster (data kept)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Whether the cluster exists and runs, where and on which port')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print the connection URL (last line), usable by psql and as DATABASE_URL')
            [CompletionResult]::new('destroy', 'destroy', [CompletionResultType]::ParameterValue, 'Stop the cluster and delete its data (asks first)')
            break
        }
        'towow-db;help;local;start' {
            break
        }
        'towow-db;help;local;stop' {
            break
        }
        'towow-db;help;local;status' {
            break
        }
        'towow-db;help;local;url' {
            break
        }
        'towow-db;help;local;destroy' {
            break
        }
        'towow-db;help;completions' {
            break
        }
        'towow-db;help;man' {
            break
        }
        'towow-db;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
