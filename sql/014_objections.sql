-- 014_objections: each published notice stays open for objections a number of days; an
-- applicant who appears in a notice objects to their place in the pool or to their outcome,
-- and the bureau answers (README: "Objection windows").

-- The window, set at the freeze (`round freeze --objection-days N`); the result notice takes
-- its pre-draw notice's. Notices published before this migration: 7 days. It is not in the
-- notice's files (they and their digests stay as the verifiers check them).
ALTER TABLE notices ADD COLUMN objection_days integer NOT NULL DEFAULT 7
    CHECK (objection_days BETWEEN 0 AND 90);

-- The window is as immutable as the rest of the notice.
CREATE OR REPLACE FUNCTION notices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'published notices are never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_TABLE_NAME = 'notice_files' THEN
        RAISE EXCEPTION 'a published notice''s files never change' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.superseded_by IS NOT NULL
       OR (NEW.notice_id, NEW.city, NEW.round_id, NEW.kind, NEW.sha256, NEW.supersedes, NEW.published_at, NEW.published_by,
           NEW.objection_days)
          IS DISTINCT FROM
          (OLD.notice_id, OLD.city, OLD.round_id, OLD.kind, OLD.sha256, OLD.supersedes, OLD.published_at, OLD.published_by,
           OLD.objection_days)
    THEN
        RAISE EXCEPTION 'a published notice never changes; it can only be superseded, once' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

-- When a notice's window closes: the end of the Nth day after its publication, in the
-- city's time zone (the start of day N + 1).
CREATE FUNCTION objection_window_closes(published timestamptz, days integer, zone text) RETURNS timestamptz
    LANGUAGE sql STABLE AS $$
    SELECT (((published AT TIME ZONE zone)::date + days + 1)::timestamp) AT TIME ZONE zone
$$;

-- An applicant's objection to a notice and the bureau's answer. `pool` objections are made
-- to a pre-draw notice, `outcome` objections to a result notice.
CREATE TABLE objections (
    objection_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city          text NOT NULL REFERENCES cities (city),
    applicant_id  text NOT NULL,
    notice_id     bigint NOT NULL REFERENCES notices (notice_id),
    kind          text NOT NULL CHECK (kind IN ('pool', 'outcome')),
    body          text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000 AND body !~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]'),
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'rejected')),
    filed_at      timestamptz NOT NULL DEFAULT now(),
    answered_at   timestamptz,
    answered_by   text,
    reply         text CHECK (char_length(reply) BETWEEN 1 AND 2000 AND reply !~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]'),
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id),
    CHECK ((status = 'open') = (answered_at IS NULL)),
    CHECK ((answered_at IS NULL) = (answered_by IS NULL) AND (answered_at IS NULL) = (reply IS NULL))
);
-- The invariant: at most one open objection per applicant per notice.
CREATE UNIQUE INDEX objections_one_open ON objections (city, applicant_id, notice_id) WHERE status = 'open';
CREATE INDEX objections_by_status ON objections (city, status, filed_at);
CREATE INDEX objections_by_applicant ON objections (city, applicant_id);

-- An answer is final; an objection is never deleted.
CREATE FUNCTION objections_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'objections are never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status <> 'open'
       OR (NEW.objection_id, NEW.city, NEW.applicant_id, NEW.notice_id, NEW.kind, NEW.body, NEW.filed_at)
          IS DISTINCT FROM (OLD.objection_id, OLD.city, OLD.applicant_id, OLD.notice_id, OLD.kind, OLD.body, OLD.filed_at)
    THEN
        RAISE EXCEPTION 'an objection is answered once, and never changed' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER objections_final BEFORE UPDATE OR DELETE ON objections
    FOR EACH ROW EXECUTE FUNCTION objections_final();
