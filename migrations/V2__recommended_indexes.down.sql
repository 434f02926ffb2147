-- towow-db: no-transaction
DROP INDEX CONCURRENTLY IF EXISTS ix_demands_status_created;
DROP INDEX CONCURRENTLY IF EXISTS ix_agent_profiles_capabilities_gin;
