-- ToWow schema v1: the four tables of the ToWow app's SQLAlchemy models (section 1.3 of the
-- ToWow database document) with the same names, types, nullability, keys and the ten indexes of
-- section 1.4. Server-side defaults, CHECKs and an updated_at trigger make the database safe for
-- clients other than the app (psql, COPY, other services).

CREATE OR REPLACE FUNCTION towow_set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Keep updated_at current unless the statement itself set it (imports, the ORM's onupdate).
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TABLE agent_profiles (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                 varchar(255) NOT NULL,
    agent_type           varchar(50)  NOT NULL,
    description          text,
    capabilities         jsonb DEFAULT '{}'::jsonb,
    pricing_info         jsonb DEFAULT '{}'::jsonb,
    config               jsonb DEFAULT '{}'::jsonb,
    is_active            boolean DEFAULT true,
    rating               double precision,
    total_collaborations integer DEFAULT 0,
    created_at           timestamptz DEFAULT now(),
    updated_at           timestamptz DEFAULT now()
);

CREATE TABLE demands (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title          varchar(500) NOT NULL,
    description    text NOT NULL,
    user_id        varchar(255) NOT NULL,
    requirements   jsonb DEFAULT '{}'::jsonb,
    budget         jsonb DEFAULT '{}'::jsonb,
    deadline       timestamptz,
    status         varchar(50) DEFAULT 'draft',
    tags           jsonb DEFAULT '[]'::jsonb,
    extra_metadata jsonb DEFAULT '{}'::jsonb,
    created_at     timestamptz DEFAULT now(),
    updated_at     timestamptz DEFAULT now(),
    CONSTRAINT ck_demands_status CHECK (status IN
        ('draft', 'published', 'matching', 'matched', 'completed', 'cancelled'))
);

CREATE TABLE collaboration_channels (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            varchar(255) NOT NULL,
    description     text,
    demand_id       uuid REFERENCES demands (id) ON DELETE CASCADE,
    participants    jsonb NOT NULL DEFAULT '{}'::jsonb,
    status          varchar(50) DEFAULT 'active',
    context         jsonb DEFAULT '{}'::jsonb,
    message_count   integer DEFAULT 0,
    last_message_at timestamptz,
    settings        jsonb DEFAULT '{}'::jsonb,
    created_at      timestamptz DEFAULT now(),
    updated_at      timestamptz DEFAULT now(),
    CONSTRAINT ck_collaboration_channels_status CHECK (status IN
        ('active', 'paused', 'completed', 'closed'))
);

CREATE TABLE agent_responses (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    demand_id       uuid REFERENCES demands (id) ON DELETE CASCADE,
    agent_id        uuid REFERENCES agent_profiles (id) ON DELETE CASCADE,
    message         text NOT NULL,
    proposal        jsonb DEFAULT '{}'::jsonb,
    status          varchar(50) DEFAULT 'pending',
    relevance_score double precision,
    extra_metadata  jsonb DEFAULT '{}'::jsonb,
    created_at      timestamptz DEFAULT now(),
    updated_at      timestamptz DEFAULT now(),
    CONSTRAINT ck_agent_responses_status CHECK (status IN
        ('pending', 'accepted', 'rejected', 'withdrawn'))
);

CREATE TRIGGER trg_agent_profiles_updated_at BEFORE UPDATE ON agent_profiles
    FOR EACH ROW EXECUTE FUNCTION towow_set_updated_at();
CREATE TRIGGER trg_demands_updated_at BEFORE UPDATE ON demands
    FOR EACH ROW EXECUTE FUNCTION towow_set_updated_at();
CREATE TRIGGER trg_collaboration_channels_updated_at BEFORE UPDATE ON collaboration_channels
    FOR EACH ROW EXECUTE FUNCTION towow_set_updated_at();
CREATE TRIGGER trg_agent_responses_updated_at BEFORE UPDATE ON agent_responses
    FOR EACH ROW EXECUTE FUNCTION towow_set_updated_at();

-- The ten indexes of section 1.4, with the app's names.
CREATE INDEX ix_agent_profiles_agent_type ON agent_profiles (agent_type);
CREATE INDEX ix_agent_profiles_is_active ON agent_profiles (is_active);
CREATE INDEX ix_demands_user_id ON demands (user_id);
CREATE INDEX ix_demands_status ON demands (status);
CREATE INDEX ix_demands_created_at ON demands (created_at);
CREATE INDEX ix_collaboration_channels_demand_id ON collaboration_channels (demand_id);
CREATE INDEX ix_collaboration_channels_status ON collaboration_channels (status);
CREATE INDEX ix_agent_responses_demand_id ON agent_responses (demand_id);
CREATE INDEX ix_agent_responses_agent_id ON agent_responses (agent_id);
CREATE INDEX ix_agent_responses_status ON agent_responses (status);
