-- Batches: a job groups conversions of the one queue. Its items are ordinary conversion rows
-- (claimed, leased, recovered like any other); the job row only counts how they ended.
create table jobs (
    id              uuid        primary key,
    owner           text        not null,
    status          text        not null default 'processing'
                                check (status in ('processing', 'completed', 'failed')),
    total_files     int         not null check (total_files > 0),
    completed_files int         not null default 0,
    failed_files    int         not null default 0,
    -- the answer's absolute links (item downloads) start with this, as the submitting request saw it
    base_url        text        not null,
    webhook_url     text,
    -- how long the job and its items are kept once the job has ended
    retention_secs  int         not null,
    created_at      timestamptz not null default now(),
    completed_at    timestamptz,
    expires_at      timestamptz
);
create index jobs_expires_idx on jobs (expires_at);

alter table conversions add column job_id uuid references jobs (id) on delete cascade;
-- the item's place in its batch, for the order of the job document and the ZIP
alter table conversions add column job_position int;
alter table conversions add column webhook_url text;
-- CRC-32 of the result, so that an archive of results can be written as it is streamed (a ZIP
-- entry's header carries it before the bytes)
alter table conversions add column output_crc32 bigint;
create index conversions_job_idx on conversions (job_id, job_position) where job_id is not null;

-- An item that ends is counted on its job in the same transaction, whichever path ended it
-- (worker, failure, lease recovery). The row lock on the job serialises items ending at once on
-- different replicas, so the job ends exactly once; then its items share its expiry (an item
-- that ended early is not purged while its batch still runs).
create function count_job_item() returns trigger language plpgsql as $$
declare
    j jobs%rowtype;
begin
    update jobs set
        completed_files = completed_files + (new.status = 'completed')::int,
        failed_files = failed_files + (new.status = 'failed')::int
    where id = new.job_id
    returning * into j;
    if found and j.status = 'processing' and j.completed_files + j.failed_files >= j.total_files then
        update jobs set
            status = case when j.completed_files > 0 then 'completed' else 'failed' end,
            completed_at = now(),
            expires_at = now() + make_interval(secs => j.retention_secs)
        where id = j.id;
        update conversions set expires_at = now() + make_interval(secs => j.retention_secs)
        where job_id = j.id;
    end if;
    return new;
end $$;

create trigger conversions_count_job_item
    after update of status on conversions
    for each row
    when (new.job_id is not null and old.status in ('pending', 'processing')
          and new.status in ('completed', 'failed'))
    execute function count_job_item();

-- Any change of an item (claimed, progress, ended) wakes the job's event streams on every replica.
create function notify_job_item() returns trigger language plpgsql as $$
begin
    perform pg_notify('pixmill_status', new.job_id::text);
    return new;
end $$;

create trigger conversions_notify_job
    after update of status, progress on conversions
    for each row
    when (new.job_id is not null)
    execute function notify_job_item();
