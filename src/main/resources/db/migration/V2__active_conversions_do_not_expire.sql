-- A conversion expires a retention period after it ENDS. While pending or processing it has no
-- expiry, so a long backlog is never purged or hidden before it has run.
alter table conversions alter column expires_at drop not null;
update conversions set expires_at = null where status in ('pending', 'processing');
