-- 012_outbox_cancelled: a message that no longer has anything to say is cancelled, not sent.
--
-- A reminder is queued while its offer is live; if the applicant accepts or declines (or
-- the offer expires) before a sender delivers it, "your offer expires soon" would be wrong.
-- The sender checks when it claims a reminder and records it as `cancelled` instead of
-- sending it. A cancelled message, like a failed one, no longer holds back the applicant's
-- later messages (the per-applicant order waits only on `pending` ones).
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled'));
