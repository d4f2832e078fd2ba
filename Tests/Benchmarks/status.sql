-- pgbench script for `anju bench api`: the queries `anju serve` runs for one applicant
-- status lookup (GET /v1/applicants/{id}), straight against PostgreSQL: the token hash
-- (Store.applicantTokenHash), then the three reads of Store.applicantStatus, verbatim.
-- Keep them in step with Sources/Store/Credentials.swift and ApplicantStatus.swift.
--
-- The applicant is uniform over A0000001…A<applicants> (the generator's ids), as the wrk
-- script picks them; the first query also returns the id for the next three (\gset), so
-- their parameters are exactly the server's. Variables: city, applicants.
--
-- One change of text: pgbench turns every `:name` into a parameter, even inside a string
-- literal, so the timestamp format 'YYYY-MM-DD"T"HH24:MI:SS"Z"' is written as a
-- concatenation of constants (folded once, when the query is planned).
--
-- By hand: pgbench -n -M prepared -c 64 -j 2 -T 15 -D city=bench -D applicants=200000 -f status.sql DB
\set i random(1, :applicants)
SELECT applicant_id AS aid, token_hash FROM applicant_tokens
WHERE city = :city AND applicant_id = 'A' || lpad(:i::text, 7, '0') \gset
SELECT category, status, refusals FROM applicants WHERE city = :city AND applicant_id = :aid;
SELECT 'offer' AS kind, o.offer_id AS id, o.round_id, to_char(o.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24' || ':' || 'MI' || ':' || 'SS"Z"') AS at,
       s.slot_id, s.project_id, p.name, p.district, s.rent, r.commute_min
FROM offers o
JOIN slots s ON s.city = o.city AND s.slot_id = o.slot_id
JOIN projects p ON p.city = s.city AND p.project_id = s.project_id
LEFT JOIN round_results r ON r.city = o.city AND r.round_id = o.round_id AND r.applicant_id = o.applicant_id
WHERE o.city = :city AND o.applicant_id = :aid AND o.status = 'offered'
UNION ALL
SELECT 'tenancy', t.tenancy_id, o.round_id, to_char(t.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24' || ':' || 'MI' || ':' || 'SS"Z"'),
       s.slot_id, s.project_id, p.name, p.district, s.rent, r.commute_min
FROM tenancies t
JOIN offers o ON o.offer_id = t.offer_id
JOIN slots s ON s.city = t.city AND s.slot_id = t.slot_id
JOIN projects p ON p.city = s.city AND p.project_id = s.project_id
LEFT JOIN round_results r ON r.city = o.city AND r.round_id = o.round_id AND r.applicant_id = o.applicant_id
WHERE t.city = :city AND t.applicant_id = :aid AND t.status = 'active';
SELECT r.round_id, to_char(rd.run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24' || ':' || 'MI' || ':' || 'SS"Z"') AS run_at, r.outcome, r.slot_id, r.project_id,
       r.commute_min, r.rent, r.reason, o.offer_id, o.status AS offer_status
FROM round_results r
JOIN rounds rd ON rd.city = r.city AND rd.round_id = r.round_id
LEFT JOIN offers o ON o.city = r.city AND o.round_id = r.round_id AND o.applicant_id = r.applicant_id
WHERE r.city = :city AND r.applicant_id = :aid
ORDER BY rd.run_at DESC NULLS LAST, r.round_id DESC;
