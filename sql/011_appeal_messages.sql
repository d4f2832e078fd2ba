-- 011_appeal_messages: the applicant is told when their appeal is answered and when they
-- are reinstated (by an appeal, or by an excused refusal), through the same outbox.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('application_received', 'application_approved', 'application_rejected',
                    'offer_made', 'offer_reminder', 'offer_expired', 'suspended',
                    'appeal_answered', 'reinstated'));
