-- Pixmill schema v1: API keys, conversions (the unit of work every dialect maps onto) and their
-- bytes, kept apart from the job rows so that status reads never drag megabytes along.

create table api_keys (
    id          uuid        primary key,
    name        text        not null,
    prefix      text        not null,
    -- SHA-256 of the whole key; the key itself is shown once and never stored
    key_hash    text        not null unique,
    plan        text        not null default 'free' check (plan in ('free', 'professional')),
    limits      text        not null default '{}',
    created_at  timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at  timestamptz
);

create table conversions (
    id              uuid        primary key,
    owner           text        not null,
    kind            text        not null default 'convert',
    status          text        not null check (status in ('pending', 'processing', 'completed', 'failed')),
    params          text        not null,
    input_filename  text,
    input_format    text        not null,
    input_size      bigint      not null,
    input_width     int,
    input_height    int,
    output_format   text        not null,
    output_size     bigint,
    output_width    int,
    output_height   int,
    progress        int         not null default 0,
    error_code      text,
    error_message   text,
    download_token  text        unique,
    attempts        int         not null default 0,
    lease_owner     text,
    lease_until     timestamptz,
    created_at      timestamptz not null default now(),
    started_at      timestamptz,
    completed_at    timestamptz,
    expires_at      timestamptz not null
);

-- The claim query walks pending rows oldest first; the reaper walks leases; the purger expiry.
create index conversions_pending_idx on conversions (created_at) where status = 'pending';
create index conversions_lease_idx on conversions (lease_until) where status = 'processing';
create index conversions_expires_idx on conversions (expires_at);
create index conversions_owner_idx on conversions (owner, created_at);

create table blobs (
    conversion_id uuid        not null references conversions (id) on delete cascade,
    role          text        not null check (role in ('input', 'output')),
    content_type  text        not null,
    data          bytea       not null,
    created_at    timestamptz not null default now(),
    primary key (conversion_id, role)
);
-- Large images are already compressed; skip TOAST's pointless pglz pass.
alter table blobs alter column data set storage external;
