-- 015_optimal_ties: which of several equally good `optimal` allocations a round returned.
--
-- The contract leaves the choice among equal optima open; the engine used to return the
-- one its column generation happened to find first, and now returns the canonical one,
-- which the round's data alone fixes (README, "Readings of the contract"). `round verify`
-- re-solves a stored round and compares it byte for byte, so each run round records the
-- rule it was run by: rounds run before this migration keep 'as_found' (the engine still
-- computes it for them), every round run from now on says 'canonical'.
ALTER TABLE rounds ADD COLUMN optimal_ties text
    CHECK (optimal_ties IN ('as_found', 'canonical'));
UPDATE rounds SET optimal_ties = 'as_found' WHERE input_digest IS NOT NULL;
ALTER TABLE rounds ADD CONSTRAINT rounds_run_has_optimal_ties
    CHECK (input_digest IS NULL OR optimal_ties IS NOT NULL);
