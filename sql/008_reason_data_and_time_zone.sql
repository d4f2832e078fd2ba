-- 008_reason_data_and_time_zone: reasons an applicant reads in their own language, and
-- times in the city's own zone.
--
-- Each round result keeps what its reason says as data (the engine's `OutcomeReason`: a
-- JSON array, its kind and then its figures, `["commute",60,"车墩馨苑",117]`; the layout
-- is documented in Sources/Allocation/OutcomeReason+JSON.swift), written in the same COPY
-- as the English text, so the status page and the API render it in English or Chinese
-- without re-solving the round. `json`, not `jsonb`: the text is
-- kept exactly as written (`round verify` compares it byte for byte with a re-solve) and
-- costs no conversion in the 200,000-row COPY of a round run; nothing queries inside it.
-- Rows of rounds run before this migration have none (NULL) and are shown in English.
ALTER TABLE round_results ADD COLUMN reason_data json;

-- The IANA time zone an applicant's deadlines and dates are shown in. Existing and new
-- cities get Asia/Shanghai (China has one civil time, UTC+8, and the bureau's scheme is
-- there); `anju city set --time-zone` changes it, checked against the zone database.
ALTER TABLE cities ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai'
    CHECK (time_zone <> '');
