-- The ToWow app's models declare ix_demands_status (index=True on demands.status); V2's
-- ix_demands_status_created starts with the same key, so `indexes` would call the app's index a
-- drop candidate and `indexes --check` would fail on a fresh schema. The app's index stays (the
-- app's models are the contract): this comment tells `indexes` that it is kept on purpose.
COMMENT ON INDEX ix_demands_status IS 'towow-db: keep: declared by the ToWow app''s models (index=True on demands.status); ix_demands_status_created serves the same lookups';
