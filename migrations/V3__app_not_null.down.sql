-- Rolls back V3: the 17 columns nullable again, as V1 made them (catalog changes only, no scan).
ALTER TABLE agent_profiles ALTER COLUMN is_active DROP NOT NULL,
    ALTER COLUMN total_collaborations DROP NOT NULL, ALTER COLUMN created_at DROP NOT NULL,
    ALTER COLUMN updated_at DROP NOT NULL;
ALTER TABLE demands ALTER COLUMN status DROP NOT NULL, ALTER COLUMN created_at DROP NOT NULL,
    ALTER COLUMN updated_at DROP NOT NULL;
ALTER TABLE collaboration_channels ALTER COLUMN demand_id DROP NOT NULL,
    ALTER COLUMN status DROP NOT NULL, ALTER COLUMN message_count DROP NOT NULL,
    ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL;
ALTER TABLE agent_responses ALTER COLUMN demand_id DROP NOT NULL, ALTER COLUMN agent_id DROP NOT NULL,
    ALTER COLUMN status DROP NOT NULL, ALTER COLUMN created_at DROP NOT NULL,
    ALTER COLUMN updated_at DROP NOT NULL;
