-- Rate limits and daily quotas, shared by every replica: one row per caller (an API key or an
-- anonymous client address) holding its current request window and its current UTC day. A check
-- is one conditional upsert of this row (accounts/RateCounters): both windows are tested and
-- counted together, or neither is, so a refused request costs nothing.
create table rate_counters (
    -- the caller, as conversions are owned: key:<uuid> or anon:<client address>
    subject           text        primary key,
    -- the start of the request window (a minute by default) that requests counts
    window_start      timestamptz not null,
    requests          int         not null check (requests >= 0),
    -- the UTC day that requests_today and conversions_today count
    day               date        not null,
    requests_today    int         not null check (requests_today >= 0),
    conversions_today int         not null check (conversions_today >= 0)
-- room on each page for the new version of an updated row: every check rewrites its row, and no
-- indexed column changes, so updates stay heap-only (HOT) and the primary key is not touched
) with (fillfactor = 70);
-- no other index: the sweeper's delete of past days scans the table once an hour, and the table
-- holds one row per caller seen today
