-- Rolls back V1: drops the four ToWow tables (and their data) and the updated_at trigger function.
DROP TABLE IF EXISTS agent_responses, collaboration_channels, demands, agent_profiles;
DROP FUNCTION IF EXISTS towow_set_updated_at();
