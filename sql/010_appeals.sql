-- 010_appeals: a suspension can be appealed and lifted; single refusals can be excused or
-- lapse with time. (009 is another change's number; the runner applies whatever is there.)
--
-- A counter alone cannot say which refusals still count once some are excused, forgiven
-- on reinstatement or too old, so each refusal is a row with its date. `applicants.refusals`
-- stays, as the count of refusals that counted at the applicant's last change (every
-- change that touches refusals recomputes it from these rows, in the same transaction);
-- what counts *now* is derived from the rows with PostgreSQL's clock.
CREATE TABLE refusals (
    city          text NOT NULL,
    offer_id      bigint NOT NULL,
    applicant_id  text NOT NULL,
    round_id      text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('declined', 'expired')),
    refused_at    timestamptz NOT NULL DEFAULT now(),
    -- The round's offers.refusals_lapse_days when it was made; NULL: it never lapses.
    lapse_days    integer CHECK (lapse_days BETWEEN 1 AND 3650),
    -- The bureau found it a reasonable refusal: it never counts.
    excused_at    timestamptz,
    excused_by    text,
    excuse_reason text CHECK (char_length(excuse_reason) BETWEEN 1 AND 500),
    -- Forgiven when the applicant was reinstated on this appeal: it no longer counts.
    forgiven_by   bigint,
    PRIMARY KEY (city, offer_id),
    FOREIGN KEY (offer_id, city) REFERENCES offers (offer_id, city),
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id),
    CHECK ((excused_at IS NULL) = (excused_by IS NULL) AND (excused_at IS NULL) = (excuse_reason IS NULL))
);
CREATE INDEX refusals_by_applicant ON refusals (city, applicant_id, refused_at);

-- Refusals made before this migration: every declined or expired offer, never lapsing.
INSERT INTO refusals (city, offer_id, applicant_id, round_id, kind, refused_at)
SELECT city, offer_id, applicant_id, round_id, status, answered_at FROM offers WHERE status IN ('declined', 'expired');

-- A suspended applicant's appeal and the bureau's answer. Reasons are the applicant's own
-- words: bounded, and without control characters (tabs and line breaks aside, as a note's).
CREATE TABLE appeals (
    appeal_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city               text NOT NULL REFERENCES cities (city),
    applicant_id       text NOT NULL,
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reinstated', 'upheld')),
    reason             text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000 AND reason !~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]'),
    refusals_at_filing integer NOT NULL CHECK (refusals_at_filing >= 0),
    filed_at           timestamptz NOT NULL DEFAULT now(),
    answered_at        timestamptz,
    answered_by        text,
    uphold_reason      text CHECK (uphold_reason IN ('refusals_stand', 'no_good_cause', 'missing_evidence', 'other')),
    answer_note        text CHECK (char_length(answer_note) BETWEEN 1 AND 500),
    refusals_after     integer CHECK (refusals_after >= 0),
    UNIQUE (appeal_id, city),
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id),
    CHECK ((status = 'open') = (answered_at IS NULL)),
    CHECK ((status = 'upheld') = (uphold_reason IS NOT NULL)),
    CHECK ((status = 'reinstated') = (refusals_after IS NOT NULL))
);
-- The invariant: at most one open appeal per applicant.
CREATE UNIQUE INDEX appeals_one_open ON appeals (city, applicant_id) WHERE status = 'open';
CREATE INDEX appeals_by_status ON appeals (city, status, filed_at);

ALTER TABLE refusals ADD FOREIGN KEY (forgiven_by) REFERENCES appeals (appeal_id);
