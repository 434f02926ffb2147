-- towow-db: no-transaction
-- The two extra indexes recommended in section 1.4 of the ToWow document. Built CONCURRENTLY so
-- that a large live table keeps taking writes; that cannot run inside a transaction, so towow-db
-- runs this file statement by statement and records it in refinery's history itself.
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_agent_profiles_capabilities_gin
    ON agent_profiles USING GIN (capabilities);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_demands_status_created
    ON demands (status, created_at DESC);
