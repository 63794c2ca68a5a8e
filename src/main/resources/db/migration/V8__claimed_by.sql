-- Who claimed a conversion, once per claim, in order: attempts counts tries (a claim given back
-- untouched at shutdown does not count), this records every claim, so an operator (and the
-- shutdown test) can tell which replicas ran a conversion and whether any ran it twice.
alter table conversions add column claimed_by text[] not null default '{}';
