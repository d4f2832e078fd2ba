import Hummingbird
import Store

extension Routes {
    /// `/openapi.yaml`: the API's description.
    func addDocuments(to router: Router<BasicRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
    }
}

/// The OpenAPI 3.1 document of the API, kept beside the routes it describes.
enum OpenAPIDocument {
    static let yaml = """
        openapi: 3.1.0
        info:
          title: Anju API
          version: "1"
          description: |
            Applicants read their status and answer offers; operators keep their slots current;
            the bureau reads rounds. Errors are RFC 9457 problems (application/problem+json) with
            a stable `code`. API keys: `Authorization: Bearer ak_<id>_<secret>`. Applicants:
            `Authorization: Bearer <token>` plus `X-Applicant-Id: <id>`.
        servers:
          - url: /
        components:
          securitySchemes:
            bearer: {type: http, scheme: bearer}
            applicantId: {type: apiKey, in: header, name: X-Applicant-Id}
          parameters:
            id: {name: id, in: path, required: true, schema: {type: string}}
          schemas:
            Problem:
              type: object
              required: [type, title, status, code, instance]
              properties:
                type: {type: string}
                title: {type: string}
                status: {type: integer}
                code: {type: string}
                detail: {type: string}
                instance: {type: string}
            ListedProblem:
              description: "A problem that also lists each of its findings, as `slots[INDEX].FIELD: message`."
              allOf:
                - $ref: '#/components/schemas/Problem'
                - type: object
                  required: [errors]
                  properties:
                    errors: {type: array, items: {type: string}}
            Identifier: {type: string, pattern: '^[A-Za-z0-9_.-]{1,64}$'}
            OperatorSlot:
              type: object
              required: [slot_id, project_id, kind, rent, gender, accessible, status, version, updated_at]
              properties:
                slot_id: {type: string}
                project_id: {type: string}
                kind: {type: string}
                room_id: {type: string}
                rent: {type: integer}
                gender: {type: string}
                accessible: {type: boolean}
                status: {type: string}
                version: {type: integer}
                updated_at: {type: string, format: date-time}
            Occupancy:
              type: object
              required: [project_id, project_name, slots, available, offered, occupied, maintenance]
              properties:
                project_id: {type: string}
                project_name: {type: string}
                slots: {type: integer}
                available: {type: integer}
                offered: {type: integer}
                occupied: {type: integer}
                maintenance: {type: integer}
            NewSlot:
              description: |
                A slot to add: an apartment, or a bed (max_household 1) alone or in a dorm room. A body
                this schema rejects is 422. Rules between slots and against the city are 409: each
                slot_id once in the list and new in the city, beds of one room share one gender (an
                existing room's, or a new room's first bed's), reserved_employer_id names an employer
                of the city. Keys may also be sent in camelCase (slotId, maxHousehold, ...).
              oneOf:
                - $ref: '#/components/schemas/NewApartment'
                - $ref: '#/components/schemas/NewBed'
            NewApartment:
              type: object
              required: [slot_id, kind, max_household, rent, gender, accessible]
              properties:
                slot_id: {$ref: '#/components/schemas/Identifier'}
                kind: {const: apartment}
                room_id: {type: 'null', description: Apartments are in no dorm room.}
                max_household: {type: integer, minimum: 1, maximum: 2147483647}
                rent: {type: integer, minimum: 0, maximum: 2147483647, description: Whole yuan per month.}
                gender: {type: string, enum: [any, female, male], description: Required; eligibility ignores it for apartments.}
                accessible: {type: boolean}
                status: {type: [string, 'null'], enum: [available, maintenance, null], description: 'Default: available.'}
                reserved_employer_id: {type: [string, 'null'], pattern: '^[A-Za-z0-9_.-]{1,64}$', description: An employer of the city.}
            NewBed:
              type: object
              required: [slot_id, kind, max_household, rent, gender, accessible]
              properties:
                slot_id: {$ref: '#/components/schemas/Identifier'}
                kind: {const: bed}
                room_id: {type: [string, 'null'], pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'A room of the project, or a new one.'}
                max_household: {const: 1}
                rent: {type: integer, minimum: 0, maximum: 2147483647, description: Whole yuan per month.}
                gender: {type: string, enum: [any, female, male], description: The room's gender.}
                accessible: {type: boolean}
                status: {type: [string, 'null'], enum: [available, maintenance, null], description: 'Default: available.'}
                reserved_employer_id: {type: [string, 'null'], pattern: '^[A-Za-z0-9_.-]{1,64}$', description: An employer of the city.}
            Place:
              type: object
              required: [slot_id, project_id, project_name, district, rent]
              properties:
                slot_id: {type: string}
                project_id: {type: string}
                project_name: {type: string}
                district: {type: string}
                rent: {type: integer}
                commute_min: {type: integer}
            ApplicantStatus:
              type: object
              required: [applicant_id, language, state, state_label, next_step, refusals, history]
              properties:
                applicant_id: {type: string}
                language: {type: string, enum: [en, zh-CN]}
                state: {type: string, enum: [waiting, offered, housed, unmatched, ineligible, suspended, withdrawn]}
                state_label: {type: string}
                next_step: {type: string}
                refusals: {type: integer}
                offer:
                  type: object
                  required: [offer_id, round_id, place, deadline]
                  properties:
                    offer_id: {type: integer}
                    round_id: {type: string}
                    place: {$ref: '#/components/schemas/Place'}
                    deadline: {type: string, format: date-time}
                tenancy:
                  type: object
                  required: [tenancy_id, place, started_at]
                  properties:
                    tenancy_id: {type: integer}
                    place: {$ref: '#/components/schemas/Place'}
                    started_at: {type: string, format: date-time}
                reason: {type: string, description: The engine's reason, in English.}
                reason_label: {type: string}
                history:
                  type: array
                  items:
                    type: object
                    required: [round_id, outcome, outcome_label]
                    properties:
                      round_id: {type: string}
                      run_at: {type: string, format: date-time}
                      outcome: {type: string, enum: [offered, unmatched, ineligible]}
                      outcome_label: {type: string}
                      slot_id: {type: string}
                      project_id: {type: string}
                      commute_min: {type: integer}
                      rent: {type: integer}
                      reason: {type: string}
                      offer_id: {type: integer}
                      offer_status: {type: string, enum: [offered, accepted, declined, expired, withdrawn]}
            OfferAnswer:
              type: object
              required: [offer_id, status, already_answered, applicant_status, refusals]
              properties:
                offer_id: {type: integer}
                status: {type: string}
                already_answered: {type: boolean}
                applicant_status: {type: string}
                refusals: {type: integer}
                tenancy_id: {type: integer}
                answered_at: {type: string, format: date-time}
            Round:
              type: object
              required: [round_id, status, mechanism, seed, round_date, created_at]
              properties:
                round_id: {type: string}
                status: {type: string}
                mechanism: {type: string}
                seed: {type: string}
                round_date: {type: string}
                input_digest: {type: string}
                created_at: {type: string, format: date-time}
                run_at: {type: string, format: date-time}
                offer_deadline: {type: string, format: date-time}
            StatusForm:
              type: object
              description: The status page's sign-in fields, sent form-encoded so the token is never in a URL.
              required: [applicant_id, token]
              properties:
                applicant_id: {type: string, pattern: '\\S', maxLength: 64}
                token: {type: string, pattern: '\\S', maxLength: 256}
            StatusAnswerForm:
              type: object
              description: An answer form, re-sending the credentials as hidden fields with the offer's id.
              required: [applicant_id, token, offer_id]
              properties:
                applicant_id: {type: string, pattern: '\\S', maxLength: 64}
                token: {type: string, pattern: '\\S', maxLength: 256}
                offer_id: {type: string}
                reason: {type: string, maxLength: 500}
          responses:
            BackToSignIn:
              description: See the sign-in page.
              headers: {Location: {schema: {type: string, const: /}}}
              content: {text/plain: {schema: {type: string}}}
            Page:
              description: |
                A status page (HTML, no script): sent with Cache-Control no-store, a Content-Security-Policy
                (default-src 'none'; style-src 'self'; form-action 'self'), X-Content-Type-Options nosniff and
                Referrer-Policy no-referrer. Errors are HTML pages too: 400 unreadable form or missing field,
                401 id and token do not match, 404 not your offer, 409 offer no longer answerable, 413 form
                too large, 415 not a form, 422 reason too long, 503 database unavailable.
              content:
                text/html: {schema: {type: string}}
            Problem:
              description: A problem (401 credentials, 403 role, 404 unknown or not yours, 409 state, 413 body, 422 invalid, 503 database).
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
        security:
          - bearer: []
        paths:
          /healthz:
            get:
              security: []
              responses:
                '200': {description: The process is up., content: {application/json: {schema: {type: object}}}}
          /readyz:
            get:
              security: []
              responses:
                '200': {description: The database answers., content: {application/json: {schema: {type: object}}}}
                '503': {$ref: '#/components/responses/Problem'}
          /metrics:
            get:
              security: []
              responses:
                '200': {description: Prometheus text exposition., content: {text/plain: {schema: {type: string}}}}
          /v1/applicants/{id}:
            get:
              summary: An applicant's status and round history (their own with a token; any with an admin key).
              security: [{bearer: [], applicantId: []}, {bearer: []}]
              parameters:
                - $ref: '#/components/parameters/id'
                - {name: Accept-Language, in: header, schema: {type: string}}
              responses:
                '200': {description: Status., content: {application/json: {schema: {$ref: '#/components/schemas/ApplicantStatus'}}}}
                default: {$ref: '#/components/responses/Problem'}
          /v1/offers/{id}/accept:
            post:
              summary: Accept your live offer (idempotent).
              security: [{bearer: [], applicantId: []}]
              parameters: [{$ref: '#/components/parameters/id'}]
              requestBody:
                required: false
                content: {application/json: {schema: {type: object, properties: {reason: {type: [string, 'null'], maxLength: 500, description: 'Optional; null is the same as absent.'}}}}}
              responses:
                '200': {description: Answered., content: {application/json: {schema: {$ref: '#/components/schemas/OfferAnswer'}}}}
                default: {$ref: '#/components/responses/Problem'}
          /v1/offers/{id}/decline:
            post:
              summary: Decline your live offer, with an optional reason (idempotent; counts as a refusal).
              security: [{bearer: [], applicantId: []}]
              parameters: [{$ref: '#/components/parameters/id'}]
              requestBody:
                required: false
                content: {application/json: {schema: {type: object, properties: {reason: {type: [string, 'null'], maxLength: 500, description: 'Optional; null is the same as absent.'}}}}}
              responses:
                '200': {description: Answered., content: {application/json: {schema: {$ref: '#/components/schemas/OfferAnswer'}}}}
                default: {$ref: '#/components/responses/Problem'}
          /v1/operator/slots:
            get:
              summary: The operator's slots and each project's occupancy.
              parameters: [{name: project, in: query, schema: {type: string}}]
              responses:
                '200':
                  description: Slots.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [projects, slots]
                        properties:
                          projects: {type: array, items: {$ref: '#/components/schemas/Occupancy'}}
                          slots: {type: array, items: {$ref: '#/components/schemas/OperatorSlot'}}
                default: {$ref: '#/components/responses/Problem'}
          /v1/operator/projects/{projectId}/slots:
            post:
              summary: Add apartments and beds (and new dorm rooms) to one of the operator's projects, all or nothing.
              description: |
                One transaction and one audit row (`slot.add`). A new room_id creates the room with its
                beds' gender. At most \(Store.maxSlotsPerAddition) slots per request (and a body of at most 64 KiB). Errors: 400
                body not JSON or without a `slots` array; 401 credentials; 403 not an operator key; 404
                a project that is not the key's (the same answer as for a project that does not exist);
                413 body too large; 422 `invalid_slots`, a slot breaks this schema; 409 `slot_conflict`,
                the slots clash with each other or the city (a slot_id given twice or already taken, a
                bed's gender not its room's, an unknown employer). Each lists every problem in `errors`,
                e.g. `slots[2].rent: -5 is below 0; ...` (a 422 lists the conflicts found too).
              parameters: [{name: projectId, in: path, required: true, schema: {type: string}}]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [slots]
                      properties:
                        slots: {type: array, minItems: 1, maxItems: \(Store.maxSlotsPerAddition), items: {$ref: '#/components/schemas/NewSlot'}}
              responses:
                '201':
                  description: Added; the slots as stored (version 1) in the order given, and the project's occupancy after.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [project, rooms_created, slots]
                        properties:
                          project: {$ref: '#/components/schemas/Occupancy'}
                          rooms_created: {type: array, items: {type: string}}
                          slots: {type: array, items: {$ref: '#/components/schemas/OperatorSlot'}}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
                '403': {$ref: '#/components/responses/Problem'}
                '404': {$ref: '#/components/responses/Problem'}
                '409':
                  description: The slots clash with each other or with the city's data, each problem listed.
                  content:
                    application/problem+json:
                      schema: {$ref: '#/components/schemas/ListedProblem'}
                '413': {$ref: '#/components/responses/Problem'}
                '422':
                  description: Invalid slots, each problem listed.
                  content:
                    application/problem+json:
                      schema: {$ref: '#/components/schemas/ListedProblem'}
                default: {$ref: '#/components/responses/Problem'}
          /v1/operator/slots/{id}/status:
            put:
              summary: Set a slot's status with optimistic concurrency (a stale expected_version is 409).
              parameters: [{$ref: '#/components/parameters/id'}]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [status, expected_version]
                      properties:
                        status: {type: string, enum: [available, maintenance, occupied]}
                        expected_version: {type: integer}
                        withdraw_offer: {type: boolean}
              responses:
                '200':
                  description: Changed (or already so).
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [slot_id, from, to, version, changed]
                        properties:
                          slot_id: {type: string}
                          from: {type: string}
                          to: {type: string}
                          version: {type: integer}
                          changed: {type: boolean}
                          withdrawn_offer_id: {type: integer}
                          ended_tenancy_id: {type: integer}
                          closed_round_id: {type: string}
                default: {$ref: '#/components/responses/Problem'}
          /v1/rounds:
            get:
              summary: The city's rounds, newest first (admin).
              responses:
                '200':
                  description: Rounds.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [rounds]
                        properties:
                          rounds: {type: array, items: {$ref: '#/components/schemas/Round'}}
                default: {$ref: '#/components/responses/Problem'}
          /v1/rounds/{id}:
            get:
              summary: A round, its summary.json and its offers by status (admin).
              parameters: [{$ref: '#/components/parameters/id'}]
              responses:
                '200':
                  description: Round.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [round, offers]
                        properties:
                          round: {$ref: '#/components/schemas/Round'}
                          summary: {type: object}
                          offers: {type: object, additionalProperties: {type: integer}}
                default: {$ref: '#/components/responses/Problem'}
          /v1/rounds/{id}/results.csv:
            get:
              summary: The round's results.csv, byte for byte as `anju solve` writes it (admin).
              parameters: [{$ref: '#/components/parameters/id'}]
              responses:
                '200': {description: CSV., content: {text/csv: {schema: {type: string}}}}
                default: {$ref: '#/components/responses/Problem'}
          /v1/rounds/{id}/report.html:
            get:
              summary: The round's self-contained HTML report (admin).
              parameters: [{$ref: '#/components/parameters/id'}]
              responses:
                '200': {description: HTML., content: {text/html: {schema: {type: string}}}}
                default: {$ref: '#/components/responses/Problem'}
          /:
            get:
              summary: The applicants' status page, a sign-in form (zh-CN or en by Accept-Language).
              security: []
              parameters: [{name: Accept-Language, in: header, schema: {type: string}}]
              responses:
                '200': {$ref: '#/components/responses/Page'}
          /status.css:
            get:
              summary: The status page's stylesheet.
              security: []
              responses:
                '200': {description: CSS., content: {text/css: {schema: {type: string}}}}
          /status:
            get:
              summary: Opened directly, the form's address leads back to the sign-in page.
              security: []
              responses:
                '303': {$ref: '#/components/responses/BackToSignIn'}
            post:
              summary: The applicant's status as a page, after checking id and token (the same data as GET /v1/applicants/{id}).
              security: []
              parameters: [{name: Accept-Language, in: header, schema: {type: string}}]
              requestBody:
                required: true
                content:
                  application/x-www-form-urlencoded:
                    schema: {$ref: '#/components/schemas/StatusForm'}
              responses:
                '200': {$ref: '#/components/responses/Page'}
                default: {$ref: '#/components/responses/Page'}
          /status/accept:
            get:
              summary: Opened directly, the form's address leads back to the sign-in page.
              security: []
              responses:
                '303': {$ref: '#/components/responses/BackToSignIn'}
            post:
              summary: Accept the live offer from the status page; answers with the updated page.
              security: []
              parameters: [{name: Accept-Language, in: header, schema: {type: string}}]
              requestBody:
                required: true
                content:
                  application/x-www-form-urlencoded:
                    schema: {$ref: '#/components/schemas/StatusAnswerForm'}
              responses:
                '200': {$ref: '#/components/responses/Page'}
                default: {$ref: '#/components/responses/Page'}
          /status/decline:
            get:
              summary: Opened directly, the form's address leads back to the sign-in page.
              security: []
              responses:
                '303': {$ref: '#/components/responses/BackToSignIn'}
            post:
              summary: Decline the live offer from the status page, with an optional reason (a refusal).
              security: []
              parameters: [{name: Accept-Language, in: header, schema: {type: string}}]
              requestBody:
                required: true
                content:
                  application/x-www-form-urlencoded:
                    schema: {$ref: '#/components/schemas/StatusAnswerForm'}
              responses:
                '200': {$ref: '#/components/responses/Page'}
                default: {$ref: '#/components/responses/Page'}
          /openapi.yaml:
            get:
              security: []
              responses:
                '200': {description: This document., content: {application/yaml: {schema: {type: string}}}}
        """
}
