COMMENT ON INDEX ix_demands_status IS NULL;
