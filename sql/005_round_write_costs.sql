-- 005_round_write_costs: cheaper writes for `round run`, measured at 200k × 50k.
--
-- The snapshot's files (~25 MB of CSV at 200k applicants) are compressed with lz4 rather
-- than pglz: the same data in about a fifth of the time (PostgreSQL 15 as Debian builds it
-- has lz4).
ALTER TABLE round_snapshots
    ALTER COLUMN projects_csv SET COMPRESSION lz4,
    ALTER COLUMN slots_csv SET COMPRESSION lz4,
    ALTER COLUMN applicants_csv SET COMPRESSION lz4,
    ALTER COLUMN policy_json SET COMPRESSION lz4;

-- Partial indexes on status made every status change (offered, housed, available …) a
-- non-HOT update that rewrote each index. Snapshots read most of a city's rows anyway (a
-- sequential scan), so the indexes bought little; without them, and with room left on each
-- page, a status change stays on its page and touches no index.
DROP INDEX applicants_waiting;
DROP INDEX slots_available;
ALTER TABLE applicants SET (fillfactor = 90);
ALTER TABLE slots SET (fillfactor = 90);
