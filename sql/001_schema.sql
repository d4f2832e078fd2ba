-- 001_schema: the tables a PostgreSQL-backed round needs.
--
-- Every table carries `city`, and every key starts with it: rounds partition by city, and
-- composite foreign keys keep an offer, its slot and its applicant in one city.
-- Invariants live in the schema, not only in code: CHECKs on every status, and partial
-- UNIQUE indexes so that a slot or an applicant can never hold two live offers, and a slot
-- never two active tenancies, whatever a buggy caller does.

CREATE TABLE cities (
    city        text PRIMARY KEY CHECK (city <> ''),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE employers (
    city        text NOT NULL REFERENCES cities (city),
    employer_id text NOT NULL CHECK (employer_id <> ''),
    name        text NOT NULL,
    PRIMARY KEY (city, employer_id)
);

CREATE TABLE projects (
    city        text NOT NULL REFERENCES cities (city),
    project_id  text NOT NULL CHECK (project_id <> ''),
    name        text NOT NULL,
    district    text NOT NULL,
    lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon         double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    programme   text NOT NULL,
    PRIMARY KEY (city, project_id)
);

-- A dorm room: beds of one room share one gender.
CREATE TABLE rooms (
    city        text NOT NULL,
    project_id  text NOT NULL,
    room_id     text NOT NULL CHECK (room_id <> ''),
    gender      text NOT NULL DEFAULT 'any' CHECK (gender IN ('any', 'female', 'male')),
    PRIMARY KEY (city, project_id, room_id),
    FOREIGN KEY (city, project_id) REFERENCES projects (city, project_id)
);

CREATE TABLE slots (
    city                 text NOT NULL,
    slot_id              text NOT NULL CHECK (slot_id <> ''),
    project_id           text NOT NULL,
    kind                 text NOT NULL CHECK (kind IN ('apartment', 'bed')),
    room_id              text,
    max_household        integer NOT NULL CHECK (max_household >= 1),
    rent                 integer NOT NULL CHECK (rent >= 0),
    gender               text NOT NULL DEFAULT 'any' CHECK (gender IN ('any', 'female', 'male')),
    accessible           boolean NOT NULL DEFAULT false,
    status               text NOT NULL DEFAULT 'available'
                         CHECK (status IN ('available', 'offered', 'occupied', 'maintenance')),
    reserved_employer_id text,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (city, slot_id),
    FOREIGN KEY (city, project_id) REFERENCES projects (city, project_id),
    FOREIGN KEY (city, project_id, room_id) REFERENCES rooms (city, project_id, room_id),
    FOREIGN KEY (city, reserved_employer_id) REFERENCES employers (city, employer_id),
    CHECK (kind = 'apartment' OR max_household = 1)
);
CREATE INDEX slots_available ON slots (city, project_id) WHERE status = 'available';

CREATE TABLE applicants (
    city             text NOT NULL REFERENCES cities (city),
    applicant_id     text NOT NULL CHECK (applicant_id <> ''),
    category         text NOT NULL CHECK (category IN ('youth_talent', 'frontline_worker', 'general')),
    household_size   integer NOT NULL CHECK (household_size >= 1),
    gender           text NOT NULL CHECK (gender IN ('female', 'male')),
    birth_date       date NOT NULL,
    monthly_income   integer NOT NULL CHECK (monthly_income >= 0),
    work_lat         double precision NOT NULL CHECK (work_lat BETWEEN -90 AND 90),
    work_lon         double precision NOT NULL CHECK (work_lon BETWEEN -180 AND 180),
    work_district    text NOT NULL,
    max_commute_min  integer CHECK (max_commute_min >= 1),
    max_rent         integer CHECK (max_rent >= 0),
    needs_accessible boolean NOT NULL DEFAULT false,
    priority_points  integer NOT NULL DEFAULT 0 CHECK (priority_points >= 0),
    employer_id      text,
    applied_at       timestamptz,
    status           text NOT NULL DEFAULT 'waiting'
                     CHECK (status IN ('waiting', 'offered', 'housed', 'withdrawn', 'suspended')),
    refusals         integer NOT NULL DEFAULT 0 CHECK (refusals >= 0),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (city, applicant_id),
    FOREIGN KEY (city, employer_id) REFERENCES employers (city, employer_id)
);
CREATE INDEX applicants_waiting ON applicants (city) WHERE status = 'waiting';

-- One allocation round: policy and seed fixed at draft, digest and results at run.
CREATE TABLE rounds (
    city          text NOT NULL REFERENCES cities (city),
    round_id      text NOT NULL CHECK (round_id <> ''),
    status        text NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'run', 'published', 'closed', 'cancelled')),
    policy        jsonb NOT NULL,
    seed          text NOT NULL,
    input_digest  text,
    summary       jsonb,
    offer_deadline timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    run_at        timestamptz,
    published_at  timestamptz,
    PRIMARY KEY (city, round_id),
    CHECK (status = 'draft' OR status = 'cancelled' OR input_digest IS NOT NULL)
);
-- At most one round of a city in flight (run but not yet closed).
CREATE UNIQUE INDEX rounds_one_open_per_city ON rounds (city) WHERE status IN ('run', 'published');

CREATE TABLE offers (
    offer_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city          text NOT NULL,
    round_id      text NOT NULL,
    slot_id       text NOT NULL,
    applicant_id  text NOT NULL,
    status        text NOT NULL DEFAULT 'offered'
                  CHECK (status IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn')),
    offered_at    timestamptz NOT NULL DEFAULT now(),
    deadline      timestamptz NOT NULL,
    answered_at   timestamptz,
    FOREIGN KEY (city, round_id) REFERENCES rounds (city, round_id),
    FOREIGN KEY (city, slot_id) REFERENCES slots (city, slot_id),
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id),
    CHECK ((status = 'offered') = (answered_at IS NULL)),
    UNIQUE (offer_id, city)
);
-- The invariants: one live offer per slot, one live offer per applicant.
CREATE UNIQUE INDEX offers_one_live_per_slot ON offers (city, slot_id) WHERE status = 'offered';
CREATE UNIQUE INDEX offers_one_live_per_applicant ON offers (city, applicant_id) WHERE status = 'offered';
CREATE INDEX offers_by_round ON offers (city, round_id);

CREATE TABLE tenancies (
    tenancy_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city          text NOT NULL,
    slot_id       text NOT NULL,
    applicant_id  text NOT NULL,
    offer_id      bigint NOT NULL UNIQUE,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    started_at    timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz,
    FOREIGN KEY (city, slot_id) REFERENCES slots (city, slot_id),
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id),
    FOREIGN KEY (offer_id, city) REFERENCES offers (offer_id, city),
    CHECK ((status = 'ended') = (ended_at IS NOT NULL))
);
-- The invariants: one active tenancy per slot, and per applicant.
CREATE UNIQUE INDEX tenancies_one_active_per_slot ON tenancies (city, slot_id) WHERE status = 'active';
CREATE UNIQUE INDEX tenancies_one_active_per_applicant ON tenancies (city, applicant_id) WHERE status = 'active';

-- Every state change, with its actor. Append-only: rows can be inserted and read, never
-- changed or removed (the trigger binds the table owner and superusers too; the REVOKE
-- keeps other roles from even trying).
CREATE TABLE audit_log (
    audit_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city       text NOT NULL REFERENCES cities (city),
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL CHECK (actor <> ''),
    action     text NOT NULL CHECK (action <> ''),
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_entity ON audit_log (city, entity, entity_id);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
