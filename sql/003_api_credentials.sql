-- 003_api_credentials: who may call `anju serve`.
--
-- Secrets are never stored: only the lowercase hex SHA-256 of each. A secret is 32 random
-- bytes, so a plain (unsalted) hash cannot be reversed by guessing; the server compares
-- hashes in constant time.

-- One live token per applicant, exported once by `anju tokens issue` for notices.
-- Re-issuing replaces the row, which revokes the old token.
CREATE TABLE applicant_tokens (
    city          text NOT NULL,
    applicant_id  text NOT NULL,
    token_hash    text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    issued_at     timestamptz NOT NULL DEFAULT now(),
    issued_by     text NOT NULL CHECK (issued_by <> ''),
    PRIMARY KEY (city, applicant_id),
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id)
);

-- API keys of operators (scoped to their projects) and of the bureau (admin).
-- A key is `ak_<key_id>_<64 hex>`: the id finds the row, the hash proves the secret.
CREATE TABLE api_keys (
    key_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city         text NOT NULL REFERENCES cities (city),
    name         text NOT NULL CHECK (name <> ''),
    role         text NOT NULL CHECK (role IN ('operator', 'admin')),
    project_ids  text[] NOT NULL DEFAULT '{}',
    key_hash     text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL CHECK (created_by <> ''),
    revoked_at   timestamptz,
    revoked_by   text,
    CHECK (role = 'operator' OR project_ids = '{}'),
    CHECK (role = 'admin' OR cardinality(project_ids) >= 1),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX api_keys_by_city ON api_keys (city);
