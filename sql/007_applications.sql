-- 007_applications: people apply over HTTP, the bureau reviews, duplicates are held.
--
-- An application is an `applicants` row like an imported one (the round reads one table),
-- with two new states before `waiting`: `pending_review` until the bureau approves it and
-- `rejected` when it does not. What the contract's files do not hold — how to reach the
-- person, and the keys that find the same person twice — lives in tables of its own, so a
-- round's snapshot and every export stay free of it.

ALTER TABLE applicants DROP CONSTRAINT applicants_status_check;
ALTER TABLE applicants ADD CONSTRAINT applicants_status_check
    CHECK (status IN ('pending_review', 'rejected', 'waiting', 'offered', 'housed', 'withdrawn', 'suspended'));

-- Optimistic concurrency, as slots have: every change bumps `version`; an applicant's
-- update names the version it read, and an import does not overwrite a row the applicant
-- changed since (`changed_by`), nor an application (`source`).
ALTER TABLE applicants
    ADD COLUMN version        bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN source         text NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'application')),
    ADD COLUMN changed_by     text NOT NULL DEFAULT 'import' CHECK (changed_by IN ('import', 'applicant', 'bureau')),
    ADD COLUMN workplace_site text,
    ADD COLUMN review_reason  text CHECK (review_reason IN ('ineligible', 'unverified', 'incomplete', 'duplicate', 'other')),
    ADD COLUMN review_note    text CHECK (char_length(review_note) <= 500),
    ADD COLUMN reviewed_at    timestamptz,
    ADD COLUMN reviewed_by    text,
    ADD CONSTRAINT applicants_rejected_has_reason CHECK ((status = 'rejected') = (review_reason IS NOT NULL));

-- Where applicants work, for those who do not know coordinates: employer sites and public
-- employment centres, imported by the bureau (`anju import sites`).
CREATE TABLE workplace_sites (
    city        text NOT NULL REFERENCES cities (city),
    site_id     text NOT NULL CHECK (site_id <> ''),
    kind        text NOT NULL CHECK (kind IN ('employer_site', 'employment_centre')),
    name        text NOT NULL CHECK (name <> ''),
    employer_id text,
    lat         numeric NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon         numeric NOT NULL CHECK (lon BETWEEN -180 AND 180),
    district    text NOT NULL CHECK (district <> ''),
    PRIMARY KEY (city, site_id),
    FOREIGN KEY (city, employer_id) REFERENCES employers (city, employer_id)
);

-- How to reach an applicant (an application, or an imported applicant whose contacts the
-- bureau loaded). The identity-document number is never here: only keyed hashes of it, in
-- applicant_match_keys, with the key outside the database.
CREATE TABLE applicant_contacts (
    city         text NOT NULL,
    applicant_id text NOT NULL,
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    phone        text CHECK (phone ~ '^\+?[0-9]{5,20}$'),
    email        text CHECK (char_length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+$'),
    language     text NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN', 'en')),
    PRIMARY KEY (city, applicant_id),
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id),
    CHECK (phone IS NOT NULL OR email IS NOT NULL)
);

-- Keyed hashes (HMAC-SHA256, hex) that identify a person: of the identity number, and of
-- the normalised name and birth date with the phone, and with the email. Two applicants
-- sharing any key are the same person as far as the bureau can tell.
CREATE TABLE applicant_match_keys (
    city         text NOT NULL,
    applicant_id text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('identity', 'name_birth_phone', 'name_birth_email')),
    key_hash     text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    PRIMARY KEY (city, applicant_id, kind),
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id)
);
CREATE INDEX applicant_match_keys_by_key ON applicant_match_keys (city, key_hash);

-- A duplicate set: applicants found to be one person, held out of rounds until the bureau
-- keeps one and rejects the others. A resolved set is never reopened; a later match starts
-- a new set (with the kept applicant in it).
CREATE TABLE duplicate_sets (
    set_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city         text NOT NULL REFERENCES cities (city),
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'merged')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    resolved_by  text,
    kept         text,
    -- A set joined into another when a later applicant matched members of both.
    merged_into  bigint,
    UNIQUE (set_id, city),
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);

CREATE TABLE duplicate_members (
    set_id       bigint NOT NULL,
    city         text NOT NULL,
    applicant_id text NOT NULL,
    matched_on   text[] NOT NULL,
    -- Copied from the set, so that the index below can hold the invariant.
    open         boolean NOT NULL DEFAULT true,
    PRIMARY KEY (set_id, applicant_id),
    FOREIGN KEY (set_id, city) REFERENCES duplicate_sets (set_id, city),
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id)
);
-- The invariant: an applicant is in at most one open set.
CREATE UNIQUE INDEX duplicate_members_one_open ON duplicate_members (city, applicant_id) WHERE open;
