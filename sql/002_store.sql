-- 002_store: what rounds, imports, offers and operators need on top of 001.
--
-- Coordinates become numeric: a round's snapshot is exported as the contract's CSV files,
-- and numeric keeps the decimal text exactly as imported (double precision would print
-- tiny values with an exponent, which the contract's decimal syntax rejects).
ALTER TABLE projects ALTER COLUMN lat TYPE numeric, ALTER COLUMN lon TYPE numeric;
ALTER TABLE applicants ALTER COLUMN work_lat TYPE numeric, ALTER COLUMN work_lon TYPE numeric;

-- A round's offers stay live while the next round runs (its applicants and slots are simply
-- not in the next snapshot), so several rounds of a city may be open at once. Two runs never
-- overlap: `round run` holds a per-city advisory lock for its whole transaction.
DROP INDEX rounds_one_open_per_city;

ALTER TABLE rounds
    ADD COLUMN mechanism   text CHECK (mechanism IN ('serial', 'deferred_acceptance', 'optimal')),
    ADD COLUMN policy_text text,
    ADD COLUMN created_by  text,
    ADD COLUMN run_by      text;

-- The exact inputs a round was solved on, in the contract's formats: `round verify`
-- re-solves these bytes, and anyone can rerun them with `anju solve`.
CREATE TABLE round_snapshots (
    city            text NOT NULL,
    round_id        text NOT NULL,
    projects_csv    text NOT NULL,
    slots_csv       text NOT NULL,
    applicants_csv  text NOT NULL,
    policy_json     text NOT NULL,
    digests         jsonb NOT NULL,
    PRIMARY KEY (city, round_id),
    FOREIGN KEY (city, round_id) REFERENCES rounds (city, round_id)
);

-- One row per applicant in a round's snapshot: the engine's outcome and reason, as in
-- results.csv. Offers are the `offered` rows; the rest explain why an applicant waits.
CREATE TABLE round_results (
    city          text NOT NULL,
    round_id      text NOT NULL,
    applicant_id  text NOT NULL,
    outcome       text NOT NULL CHECK (outcome IN ('offered', 'unmatched', 'ineligible')),
    slot_id       text,
    project_id    text,
    commute_min   integer,
    rent          integer,
    reason        text NOT NULL DEFAULT '',
    PRIMARY KEY (city, round_id, applicant_id),
    FOREIGN KEY (city, round_id) REFERENCES rounds (city, round_id),
    CHECK ((outcome = 'offered') = (slot_id IS NOT NULL))
);
CREATE INDEX round_results_by_applicant ON round_results (city, applicant_id);

-- Offer answers: who answered and why (a decline may carry the applicant's reason).
ALTER TABLE offers
    ADD COLUMN answered_by   text,
    ADD COLUMN answer_reason text;
CREATE INDEX offers_live_by_deadline ON offers (city, deadline) WHERE status = 'offered';

-- Optimistic concurrency for operators: every change of a slot bumps its version.
ALTER TABLE slots ADD COLUMN version bigint NOT NULL DEFAULT 1;
