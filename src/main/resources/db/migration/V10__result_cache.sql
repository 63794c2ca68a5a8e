-- Results of engine work by the identity of the work (engine/OperationKey: input bytes and the
-- output-deciding options), shared by every replica and every caller. A row names an object of
-- the store that a conversion's output blob row usually names too (the result the entry was
-- made from, and every conversion served from it): the object goes only when neither names it.
-- Never addressable by clients; a hit fills only the caller's own conversion (storage/ResultCache).
create table result_cache (
    key          text        primary key,
    store_key    text        not null,
    content_type text        not null,
    format       text        not null,
    size         bigint      not null,
    width        int         not null,
    height       int         not null,
    crc32        bigint      not null,
    created_at   timestamptz not null default now(),
    last_hit_at  timestamptz not null default now(),
    hits         bigint      not null default 0
);
-- eviction walks entries least recently used first
create index result_cache_last_hit_idx on result_cache (last_hit_at);
-- the garbage drain and the orphan scan ask whether an entry still names a key
create index result_cache_store_key_idx on result_cache (store_key);

-- An evicted entry's object is queued like a deleted blob's (V9); the drain deletes it only once
-- no blob row names it either.
create trigger result_cache_deleted_garbage after delete on result_cache
    for each row execute function blobs_queue_garbage();
