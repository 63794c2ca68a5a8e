-- The bytes of blobs move out of PostgreSQL into the object store (a directory or an S3 bucket,
-- storage/ObjectStore); a row keeps what the bytes are and the key they are stored under.
-- Rows written before keep their bytes in `data` and are still read from there (store_key null).
alter table blobs alter column data drop not null;
alter table blobs add column store_key text;
-- set for rows of the store; null for rows holding their bytes, whose size is octet_length(data)
-- (read from the TOAST pointer of an EXTERNAL value): no rewrite of existing rows, and a replica
-- of the earlier version that still writes such rows during a rolling update stays valid
alter table blobs add column size bigint;
alter table blobs add constraint blobs_bytes_in_one_place check ((data is null) <> (store_key is null));
-- the orphan scan asks which listed keys still have a row
create index blobs_store_key_idx on blobs (store_key) where store_key is not null;

-- Objects whose row is gone, to delete from the store. Filled by the triggers below in the
-- transaction that removes the row, whatever removed it (purge, a job's purge, a cascade from
-- conversions, a single-use download, a replaced blob), so a committed deletion is never
-- forgotten; drained by storage/BlobSweeper, which deletes the object and then the entry.
create table blob_garbage (
    store_key text        primary key,
    queued_at timestamptz not null default now()
);
create index blob_garbage_queued_idx on blob_garbage (queued_at);

create function blobs_queue_garbage() returns trigger language plpgsql as $$
begin
    insert into blob_garbage (store_key) values (old.store_key) on conflict do nothing;
    return null;
end
$$;

create trigger blobs_deleted_garbage after delete on blobs
    for each row when (old.store_key is not null) execute function blobs_queue_garbage();
create trigger blobs_replaced_garbage after update of store_key on blobs
    for each row when (old.store_key is not null and old.store_key is distinct from new.store_key)
    execute function blobs_queue_garbage();

-- When some replica last scanned the store for orphans (objects whose row never committed):
-- a replica scans only after taking this row forward, so the replicas do not all list the store.
create table blob_orphan_scan (
    id      int         primary key check (id = 1),
    ran_at  timestamptz not null
);
insert into blob_orphan_scan (id, ran_at) values (1, '-infinity');
