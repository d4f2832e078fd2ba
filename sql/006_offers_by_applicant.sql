-- 006_offers_by_applicant: an applicant's own offers, by index.
--
-- The status lookup (HTTP API and CLI) joins an applicant's round history to their offers
-- by (city, applicant_id); no index covered it, so each lookup read every offer of the city.
-- Measured with `anju bench api --extra-sql`: pgbench on the lookup's queries 392 → 4,765/s,
-- anju serve 242 → 660 requests/s at 200k applicants.
CREATE INDEX offers_by_applicant ON offers (city, applicant_id);
