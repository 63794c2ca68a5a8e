-- What a conversion costs its owner, recorded when it is queued (charging comes later); null for
-- kinds that are not charged per image.
alter table conversions add column credits int;
-- Options of the dialect that submitted the conversion which the engine never reads but the
-- dialect needs when it answers later (e.g. the compression task's return_type), as JSON.
-- One generic column rather than one per dialect field: the job row stays the same for every kind.
alter table conversions add column dialect_options text;
