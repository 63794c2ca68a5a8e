-- Webhooks, the Standard Webhooks way: each API key has a signing secret, and every event that a
-- conversion or a batch ends with is a delivery row, inserted by a trigger in the transaction that
-- ended it (whichever path: worker, failure, lease recovery), then sent and retried by any replica.

-- The secret is the HMAC key the receiver verifies with, so it must be readable to sign: it is
-- stored as it is, unlike the API key itself (only its hash). Null for keys made before webhooks
-- existed, until the secret is rotated.
alter table api_keys add column webhook_secret text
    check (webhook_secret is null or webhook_secret ~ '^whsec_[A-Za-z0-9+/]{32,}={0,2}$');

create table webhook_deliveries (
    -- msg_ + random: the webhook-id header, the same on every try of this event
    id               text        primary key,
    type             text        not null check (type in ('conversion.completed', 'conversion.failed',
                                                          'job.completed', 'job.failed')),
    -- the conversion or job the event is about
    subject_id       uuid        not null,
    owner            text        not null,
    -- the signing key (null if the owner is not a key: such a delivery fails, it cannot be signed)
    key_id           uuid,
    url              text        not null,
    -- the exact body sent: null until the first try renders it, never changed afterwards
    payload          text,
    state            text        not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
    attempts         int         not null default 0,
    -- when the next try is due; null once the delivery has ended
    next_attempt_at  timestamptz default now(),
    last_attempt_at  timestamptz,
    last_status_code int,
    last_error       text        check (char_length(last_error) <= 500),
    -- the start of the receiver's last answer, never more
    response_excerpt text        check (char_length(response_excerpt) <= 256),
    lease_owner      text,
    lease_until      timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    delivered_at     timestamptz
);
-- the sender walks due rows; a key lists its newest; the purger walks ended rows by age
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where state = 'pending';
create index webhook_deliveries_key_idx on webhook_deliveries (key_id, created_at desc);
create index webhook_deliveries_ended_idx on webhook_deliveries (updated_at) where state <> 'pending';

-- One delivery row per event, and a NOTIFY that wakes the senders once the transaction commits.
-- Written so that it cannot fail: an error here would undo the conversion's own ending.
create function queue_webhook_delivery(event_type text, subject uuid, event_owner text, target text)
returns void language plpgsql as $$
declare
    delivery text := 'msg_' || replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
begin
    insert into webhook_deliveries (id, type, subject_id, owner, key_id, url)
    values (delivery, event_type, subject, event_owner,
            case when event_owner ~ '^key:[0-9a-fA-F-]{36}$' then substring(event_owner from 5)::uuid end,
            target);
    perform pg_notify('pixmill_webhooks', delivery);
end $$;

-- (a) a single conversion (not a batch item: the batch has its own event) ends
create function conversion_webhook() returns trigger language plpgsql as $$
begin
    perform queue_webhook_delivery('conversion.' || new.status, new.id, new.owner, new.webhook_url);
    return new;
end $$;

create trigger conversions_webhook
    after update of status on conversions
    for each row
    when (new.webhook_url is not null and new.job_id is null
          and old.status in ('pending', 'processing') and new.status in ('completed', 'failed'))
    execute function conversion_webhook();

-- (b) a batch ends (set exactly once by count_job_item)
create function job_webhook() returns trigger language plpgsql as $$
begin
    perform queue_webhook_delivery('job.' || new.status, new.id, new.owner, new.webhook_url);
    return new;
end $$;

create trigger jobs_webhook
    after update of status on jobs
    for each row
    when (new.webhook_url is not null and old.status = 'processing' and new.status in ('completed', 'failed'))
    execute function job_webhook();
