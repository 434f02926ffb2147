-- towow-db: no-transaction
-- ToWow schema v3: NOT NULL where the ToWow app's models declare it (SQLAlchemy 2.0: `Mapped[T]`
-- without `Optional` is NOT NULL), on the 17 columns that V1 left nullable.
--
-- Safe on a large live table: per table, a CHECK (… IS NOT NULL) added NOT VALID (a brief ACCESS
-- EXCLUSIVE lock, no scan), VALIDATE CONSTRAINT (scans under SHARE UPDATE EXCLUSIVE: reads and
-- writes go on), SET NOT NULL (PostgreSQL 12+ proves it from the validated CHECK and skips the
-- scan: a brief lock again), then the helper CHECK is dropped. That needs one statement at a time
-- outside a transaction; every statement can run again, so an interrupted run is finished by the
-- next `towow-db migrate`.

-- First, before any change: refuse when rows hold NULLs, naming each table.column, its count and
-- the statement that would fix it.
DO $$
DECLARE
    t record;
    counts bigint[];
    found text := '';
    fixes text := '';
BEGIN
    FOR t IN
        SELECT tbl, array_agg(col ORDER BY ord) AS cols
        FROM (VALUES
            (1, 'agent_profiles', 'is_active'), (2, 'agent_profiles', 'total_collaborations'),
            (3, 'agent_profiles', 'created_at'), (4, 'agent_profiles', 'updated_at'),
            (5, 'demands', 'status'), (6, 'demands', 'created_at'), (7, 'demands', 'updated_at'),
            (8, 'collaboration_channels', 'demand_id'), (9, 'collaboration_channels', 'status'),
            (10, 'collaboration_channels', 'message_count'),
            (11, 'collaboration_channels', 'created_at'), (12, 'collaboration_channels', 'updated_at'),
            (13, 'agent_responses', 'demand_id'), (14, 'agent_responses', 'agent_id'),
            (15, 'agent_responses', 'status'), (16, 'agent_responses', 'created_at'),
            (17, 'agent_responses', 'updated_at')
        ) AS v(ord, tbl, col)
        GROUP BY tbl
        ORDER BY min(ord)
    LOOP
        -- One scan per table (ACCESS SHARE: writes go on).
        EXECUTE format('SELECT ARRAY[%s] FROM %I',
            (SELECT string_agg(format('count(*) FILTER (WHERE %I IS NULL)', c), ', ') FROM unnest(t.cols) AS c),
            t.tbl)
        INTO counts;
        FOR i IN 1 .. array_length(t.cols, 1) LOOP
            CONTINUE WHEN counts[i] = 0;
            found := found || format(E'\n  %s.%s: %s row(s) are NULL', t.tbl, t.cols[i], counts[i]);
            IF EXISTS (SELECT 1 FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                       WHERE d.adrelid = format('%I', t.tbl)::regclass AND a.attname = t.cols[i]) THEN
                fixes := fixes || format(E'\n  UPDATE %I SET %I = DEFAULT WHERE %I IS NULL;  -- the server default',
                                         t.tbl, t.cols[i], t.cols[i]);
            ELSE
                fixes := fixes || format(E'\n  DELETE FROM %I WHERE %I IS NULL;  -- no default: delete them, or UPDATE them to a real %s',
                                         t.tbl, t.cols[i], t.cols[i]);
            END IF;
        END LOOP;
    END LOOP;
    IF found <> '' THEN
        RAISE EXCEPTION 'rows hold NULL in columns that the ToWow app declares NOT NULL'
            USING ERRCODE = 'not_null_violation',
                  DETAIL = 'NULL rows:' || found,
                  HINT = 'fill or delete them, then run `towow-db migrate` again, e.g.:' || fixes;
    END IF;
END
$$;

ALTER TABLE agent_profiles DROP CONSTRAINT IF EXISTS towow_v3_not_null;
ALTER TABLE agent_profiles ADD CONSTRAINT towow_v3_not_null CHECK (
    is_active IS NOT NULL AND total_collaborations IS NOT NULL AND created_at IS NOT NULL
    AND updated_at IS NOT NULL) NOT VALID;
ALTER TABLE agent_profiles VALIDATE CONSTRAINT towow_v3_not_null;
ALTER TABLE agent_profiles ALTER COLUMN is_active SET NOT NULL,
    ALTER COLUMN total_collaborations SET NOT NULL, ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE agent_profiles DROP CONSTRAINT towow_v3_not_null;

ALTER TABLE demands DROP CONSTRAINT IF EXISTS towow_v3_not_null;
ALTER TABLE demands ADD CONSTRAINT towow_v3_not_null CHECK (
    status IS NOT NULL AND created_at IS NOT NULL AND updated_at IS NOT NULL) NOT VALID;
ALTER TABLE demands VALIDATE CONSTRAINT towow_v3_not_null;
ALTER TABLE demands ALTER COLUMN status SET NOT NULL, ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE demands DROP CONSTRAINT towow_v3_not_null;

ALTER TABLE collaboration_channels DROP CONSTRAINT IF EXISTS towow_v3_not_null;
ALTER TABLE collaboration_channels ADD CONSTRAINT towow_v3_not_null CHECK (
    demand_id IS NOT NULL AND status IS NOT NULL AND message_count IS NOT NULL
    AND created_at IS NOT NULL AND updated_at IS NOT NULL) NOT VALID;
ALTER TABLE collaboration_channels VALIDATE CONSTRAINT towow_v3_not_null;
ALTER TABLE collaboration_channels ALTER COLUMN demand_id SET NOT NULL,
    ALTER COLUMN status SET NOT NULL, ALTER COLUMN message_count SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE collaboration_channels DROP CONSTRAINT towow_v3_not_null;

ALTER TABLE agent_responses DROP CONSTRAINT IF EXISTS towow_v3_not_null;
ALTER TABLE agent_responses ADD CONSTRAINT towow_v3_not_null CHECK (
    demand_id IS NOT NULL AND agent_id IS NOT NULL AND status IS NOT NULL
    AND created_at IS NOT NULL AND updated_at IS NOT NULL) NOT VALID;
ALTER TABLE agent_responses VALIDATE CONSTRAINT towow_v3_not_null;
ALTER TABLE agent_responses ALTER COLUMN demand_id SET NOT NULL, ALTER COLUMN agent_id SET NOT NULL,
    ALTER COLUMN status SET NOT NULL, ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE agent_responses DROP CONSTRAINT towow_v3_not_null;
