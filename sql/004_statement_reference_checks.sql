-- 004_statement_reference_checks: the same references, checked once per statement.
--
-- A row-level foreign key costs one index probe and one row lock on the referenced row per
-- inserted row: for 200,000 imported applicants, 400,000 of them (about 1.5 s of a 3.5 s
-- import), and as much again for a round's 200,000 results. Bulk paths are where Anju is
-- measured, so the references written in bulk are checked instead by statement-level
-- triggers over the statement's transition table: one anti-join per statement, however
-- many rows it wrote.
--
-- What a foreign key also guarantees — that the referenced row cannot disappear or change
-- its key afterwards — holds because those rows are permanent: cities, employers, projects,
-- rooms, slots, applicants and rounds can never be deleted or re-keyed (triggers below;
-- statuses such as `withdrawn` or `cancelled` retire them instead). So no race between a
-- check and a concurrent delete is possible, for any client.

ALTER TABLE applicants DROP CONSTRAINT applicants_city_fkey;
ALTER TABLE applicants DROP CONSTRAINT applicants_city_employer_id_fkey;
ALTER TABLE slots DROP CONSTRAINT slots_city_project_id_fkey;
ALTER TABLE slots DROP CONSTRAINT slots_city_project_id_room_id_fkey;
ALTER TABLE slots DROP CONSTRAINT slots_city_reserved_employer_id_fkey;
ALTER TABLE round_results DROP CONSTRAINT round_results_city_round_id_fkey;
ALTER TABLE offers DROP CONSTRAINT offers_city_round_id_fkey;
ALTER TABLE offers DROP CONSTRAINT offers_city_slot_id_fkey;
ALTER TABLE offers DROP CONSTRAINT offers_city_applicant_id_fkey;

-- Permanent rows: no DELETE, no TRUNCATE, no change of key.
CREATE FUNCTION anju_row_is_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are permanent: % is not allowed (retire them with a status instead)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER cities_permanent BEFORE DELETE OR UPDATE OF city ON cities
    FOR EACH ROW EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER employers_permanent BEFORE DELETE OR UPDATE OF city, employer_id ON employers
    FOR EACH ROW EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER projects_permanent BEFORE DELETE OR UPDATE OF city, project_id ON projects
    FOR EACH ROW EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER rooms_permanent BEFORE DELETE OR UPDATE OF city, project_id, room_id ON rooms
    FOR EACH ROW EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER slots_permanent BEFORE DELETE OR UPDATE OF city, slot_id ON slots
    FOR EACH ROW EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER applicants_permanent BEFORE DELETE OR UPDATE OF city, applicant_id ON applicants
    FOR EACH ROW EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER rounds_permanent BEFORE DELETE OR UPDATE OF city, round_id ON rounds
    FOR EACH ROW EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER cities_no_truncate BEFORE TRUNCATE ON cities FOR EACH STATEMENT EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER employers_no_truncate BEFORE TRUNCATE ON employers FOR EACH STATEMENT EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER projects_no_truncate BEFORE TRUNCATE ON projects FOR EACH STATEMENT EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER rooms_no_truncate BEFORE TRUNCATE ON rooms FOR EACH STATEMENT EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER slots_no_truncate BEFORE TRUNCATE ON slots FOR EACH STATEMENT EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER applicants_no_truncate BEFORE TRUNCATE ON applicants FOR EACH STATEMENT EXECUTE FUNCTION anju_row_is_permanent();
CREATE TRIGGER rounds_no_truncate BEFORE TRUNCATE ON rounds FOR EACH STATEMENT EXECUTE FUNCTION anju_row_is_permanent();

-- applicants → cities, employers
CREATE FUNCTION applicants_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.city, n.applicant_id, n.employer_id INTO bad FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM cities c WHERE c.city = n.city)
       OR (n.employer_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM employers e WHERE e.city = n.city AND e.employer_id = n.employer_id))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'applicant % of city % refers to a city or employer (%) that does not exist',
            bad.applicant_id, bad.city, coalesce(bad.employer_id, '-')
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER applicants_references_insert AFTER INSERT ON applicants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION applicants_check_references();
CREATE TRIGGER applicants_references_update AFTER UPDATE ON applicants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION applicants_check_references();

-- slots → projects, rooms, employers
CREATE FUNCTION slots_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.city, n.slot_id INTO bad FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.city = n.city AND p.project_id = n.project_id)
       OR (n.room_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM rooms r WHERE r.city = n.city AND r.project_id = n.project_id AND r.room_id = n.room_id))
       OR (n.reserved_employer_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM employers e WHERE e.city = n.city AND e.employer_id = n.reserved_employer_id))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'slot % of city % refers to a project, room or employer that does not exist', bad.slot_id, bad.city
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER slots_references_insert AFTER INSERT ON slots
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION slots_check_references();
CREATE TRIGGER slots_references_update AFTER UPDATE ON slots
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION slots_check_references();

-- round_results → rounds
CREATE FUNCTION round_results_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.city, n.round_id INTO bad FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM rounds r WHERE r.city = n.city AND r.round_id = n.round_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'results for round % of city %, which does not exist', bad.round_id, bad.city
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER round_results_references_insert AFTER INSERT ON round_results
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION round_results_check_references();
CREATE TRIGGER round_results_references_update AFTER UPDATE ON round_results
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION round_results_check_references();

-- offers → rounds, slots, applicants
CREATE FUNCTION offers_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.offer_id, n.city INTO bad FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM rounds r WHERE r.city = n.city AND r.round_id = n.round_id)
       OR NOT EXISTS (SELECT 1 FROM slots s WHERE s.city = n.city AND s.slot_id = n.slot_id)
       OR NOT EXISTS (SELECT 1 FROM applicants a WHERE a.city = n.city AND a.applicant_id = n.applicant_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'offer % of city % refers to a round, slot or applicant that does not exist', bad.offer_id, bad.city
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER offers_references_insert AFTER INSERT ON offers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION offers_check_references();
CREATE TRIGGER offers_references_update AFTER UPDATE ON offers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION offers_check_references();
