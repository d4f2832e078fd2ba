-- 009_outbox: what an applicant must be told, written in the transaction of the change.
--
-- A message row is inserted by the same transaction that makes the change (an application
-- received, approved or rejected; an offer made, about to expire, expired; a suspension),
-- so a committed change always has its message and a rolled-back one never does. Senders
-- (`anju notify send`, or the service in `anju serve`) deliver them afterwards, at least
-- once, each attempt under the event's one idempotency key.
--
-- One row per event and channel: `email` for a contact with an email address (SMTP),
-- `webhook` for one with a phone (the SMS gateway's HTTPS hook). Applicants without
-- contact details (imported without `anju import contacts`) get no rows at all: there is
-- nobody to send to, and a row that can never be sent would only be noise in the counts.
-- The payload is data (ids, deadline); the text is rendered at send time in the language
-- the applicant's contact has then.
CREATE TABLE outbox (
    message_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city            text NOT NULL,
    applicant_id    text NOT NULL,
    channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
    kind            text NOT NULL CHECK (kind IN ('application_received', 'application_approved', 'application_rejected',
                                                  'offer_made', 'offer_reminder', 'offer_expired', 'suspended')),
    -- The round an offer message belongs to (bureau's view by round); null otherwise.
    round_id        text,
    payload         jsonb NOT NULL DEFAULT '{}',
    -- Stable per event: `anju-<city>-<kind>-<entity id>`; the Message-ID of every email
    -- attempt and the `Idempotency-Key` of every webhook attempt.
    idempotency_key text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    claimed_by      text,
    claimed_until   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    FOREIGN KEY (city, applicant_id) REFERENCES applicants (city, applicant_id),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    -- Exactly once per event and channel, whoever writes it (a reminder job run twice).
    UNIQUE (city, channel, idempotency_key)
);
-- What a sender claims: pending messages, oldest first, walked in this index's order until
-- a batch of due ones is found. (Ordered by next_attempt_at instead, every claim sorted all
-- pending rows after checking each one's order: with a round's 39,000 pending, one claim
-- of 50 cost ~0.2 s of CPU.)
CREATE INDEX outbox_pending ON outbox (city, message_id) WHERE status = 'pending';
-- Per-applicant order: a message is claimable only when no older one of the same applicant
-- and channel is still pending; this index answers that check.
CREATE INDEX outbox_pending_by_applicant ON outbox (city, applicant_id, channel, message_id) WHERE status = 'pending';
CREATE INDEX outbox_by_applicant ON outbox (city, applicant_id);
CREATE INDEX outbox_by_round ON outbox (city, round_id) WHERE round_id IS NOT NULL;
