-- 013_public_notice: freeze a round's pool before the draw, publish it, and draw with a
-- seed nobody could know at the freeze (README: "Public notice and the seed ceremony").

-- Each freeze of a round: the pool as the contract's files (what the draw will solve) and
-- how the seed will be formed. A re-freeze before the draw adds a row with the next number;
-- the draw uses the newest.
CREATE TABLE round_freezes (
    city               text NOT NULL,
    round_id           text NOT NULL,
    freeze_no          integer NOT NULL CHECK (freeze_no >= 1),
    projects_csv       text NOT NULL,
    slots_csv          text NOT NULL,
    applicants_csv     text NOT NULL,
    policy_json        text NOT NULL,
    digests            jsonb NOT NULL,
    input_digest       text NOT NULL,
    bureau_commitment  text NOT NULL CHECK (bureau_commitment ~ '^[0-9a-f]{64}$'),
    public_source      text NOT NULL CHECK (public_source <> ''),
    public_date        date NOT NULL,
    witnesses          jsonb NOT NULL DEFAULT '[]',
    frozen_at          timestamptz NOT NULL DEFAULT now(),
    frozen_by          text NOT NULL,
    PRIMARY KEY (city, round_id, freeze_no),
    FOREIGN KEY (city, round_id) REFERENCES rounds (city, round_id)
);

-- The draw of a frozen round: the revealed parts and the seed they formed (also written
-- to rounds.seed, so round verify re-solves with it).
CREATE TABLE round_draws (
    city            text NOT NULL,
    round_id        text NOT NULL,
    freeze_no       integer NOT NULL,
    bureau_secret   text NOT NULL,
    public_value    text NOT NULL,
    witness_secrets jsonb NOT NULL DEFAULT '{}',
    seed            text NOT NULL,
    drawn_at        timestamptz NOT NULL DEFAULT now(),
    drawn_by        text NOT NULL,
    PRIMARY KEY (city, round_id),
    FOREIGN KEY (city, round_id, freeze_no) REFERENCES round_freezes (city, round_id, freeze_no)
);

-- Published notices. A notice never changes: the one thing ever written after the insert is
-- the link to the notice that supersedes it (once). Its files never change at all.
CREATE TABLE notices (
    notice_id      bigserial PRIMARY KEY,
    city           text NOT NULL,
    round_id       text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('pre_draw', 'result')),
    sha256         text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    supersedes     bigint REFERENCES notices (notice_id),
    superseded_by  bigint REFERENCES notices (notice_id),
    published_at   timestamptz NOT NULL DEFAULT now(),
    published_by   text NOT NULL,
    FOREIGN KEY (city, round_id) REFERENCES rounds (city, round_id)
);
CREATE INDEX notices_by_round ON notices (city, round_id);

CREATE TABLE notice_files (
    notice_id  bigint NOT NULL REFERENCES notices (notice_id),
    name       text NOT NULL,
    content    text NOT NULL,
    sha256     text NOT NULL,
    PRIMARY KEY (notice_id, name)
);

CREATE FUNCTION notices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'published notices are never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_TABLE_NAME = 'notice_files' THEN
        RAISE EXCEPTION 'a published notice''s files never change' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.superseded_by IS NOT NULL
       OR (NEW.notice_id, NEW.city, NEW.round_id, NEW.kind, NEW.sha256, NEW.supersedes, NEW.published_at, NEW.published_by)
          IS DISTINCT FROM
          (OLD.notice_id, OLD.city, OLD.round_id, OLD.kind, OLD.sha256, OLD.supersedes, OLD.published_at, OLD.published_by)
    THEN
        RAISE EXCEPTION 'a published notice never changes; it can only be superseded, once' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER notices_immutable BEFORE UPDATE OR DELETE ON notices
    FOR EACH ROW EXECUTE FUNCTION notices_immutable();
CREATE TRIGGER notice_files_immutable BEFORE UPDATE OR DELETE ON notice_files
    FOR EACH ROW EXECUTE FUNCTION notices_immutable();
