-- Credits: a balance per API key and a ledger of every movement (grants at creation, operator
-- top-ups, charges, refunds). Every movement goes through one of the functions below, which change
-- the balance with one conditional UPDATE and write the ledger row in the same transaction; the
-- balance row is the lock that orders the movements of one key, on any replica.

create table credit_balances (
    key_id     uuid        primary key references api_keys (id) on delete cascade,
    -- never negative: a charge that does not fit is refused, and this check backs that up
    balance    bigint      not null check (balance >= 0),
    updated_at timestamptz not null default now()
);

create table credit_ledger (
    id            bigint      generated always as identity primary key,
    key_id        uuid        not null references api_keys (id) on delete cascade,
    kind          text        not null check (kind in ('grant', 'top_up', 'charge', 'refund')),
    -- signed: what the movement did to the balance (charges are negative, everything else positive)
    amount        bigint      not null check (amount <> 0),
    balance_after bigint      not null check (balance_after >= 0),
    reason        text        not null check (char_length(reason) between 1 and 500),
    -- what a charge paid for (a task, an image) and what a refund gave back; null for grants and top-ups
    subject_id    uuid,
    -- the charge a refund undoes
    refund_of     bigint      references credit_ledger (id),
    created_at    timestamptz not null default clock_timestamp(),
    check ((kind = 'charge') = (amount < 0)),
    check (kind <> 'charge' or subject_id is not null),
    check ((kind = 'refund') = (refund_of is not null))
);
-- a subject is charged at most once and a charge refunded at most once, whatever races
create unique index credit_ledger_one_charge_idx on credit_ledger (subject_id) where kind = 'charge';
create unique index credit_ledger_one_refund_idx on credit_ledger (refund_of) where refund_of is not null;
create index credit_ledger_key_idx on credit_ledger (key_id, id desc);

-- Adds credits (kind 'grant' at creation, 'top_up' by the operator). Adding 0 only makes sure the
-- key has a balance, and writes no entry (answers null).
create function credit_add(account uuid, credits bigint, entry_kind text, why text)
returns credit_ledger language plpgsql as $$
declare
    after_add bigint;
    entry credit_ledger;
begin
    if credits < 0 or entry_kind not in ('grant', 'top_up') then
        raise exception 'credit_add adds a positive amount as a grant or top_up, not % as %', credits, entry_kind
            using errcode = '22023';
    end if;
    insert into credit_balances (key_id, balance) values (account, credits)
    on conflict (key_id) do update set balance = credit_balances.balance + excluded.balance, updated_at = now()
    returning balance into after_add;
    if credits = 0 then
        return null;
    end if;
    insert into credit_ledger (key_id, kind, amount, balance_after, reason)
    values (account, entry_kind, credits, after_add, why)
    returning * into entry;
    return entry;
end $$;

-- Charges one or more subjects at once, all or nothing: one UPDATE takes the total only if the
-- balance covers it (a concurrent movement of the same key waits for the row and re-checks), then
-- one entry per subject. Answers no rows when the balance is short; nothing is changed then.
create function credit_charge(account uuid, amounts bigint[], reasons text[], subjects uuid[])
returns setof credit_ledger language plpgsql as $$
declare
    total bigint;
    remaining bigint;
begin
    if cardinality(amounts) = 0 or cardinality(amounts) <> cardinality(reasons)
            or cardinality(amounts) <> cardinality(subjects)
            or exists (select 1 from unnest(amounts) a where a is null or a <= 0) then
        raise exception 'credit_charge needs one positive amount, reason and subject per charge'
            using errcode = '22023';
    end if;
    select sum(a) into total from unnest(amounts) a;
    update credit_balances set balance = balance - total, updated_at = now()
    where key_id = account and balance >= total
    returning balance + total into remaining;
    if not found then
        return;
    end if;
    for i in 1 .. cardinality(amounts) loop
        remaining := remaining - amounts[i];
        return query insert into credit_ledger (key_id, kind, amount, balance_after, reason, subject_id)
            values (account, 'charge', -amounts[i], remaining, reasons[i], subjects[i])
            returning *;
    end loop;
end $$;

-- Gives back the charge of a subject, once: answers the refund entry, or null when the subject was
-- never charged or is refunded already. It cannot fail otherwise, so a trigger may call it in the
-- transaction that ends a task without putting that ending at risk.
create function credit_refund(subject uuid, why text)
returns credit_ledger language plpgsql as $$
declare
    charge credit_ledger;
    after_refund bigint;
    entry credit_ledger;
begin
    select * into charge from credit_ledger where subject_id = subject and kind = 'charge';
    if not found then
        return null;
    end if;
    -- the key's movements are serialised on its balance row; under that lock an earlier refund is seen
    perform 1 from credit_balances where key_id = charge.key_id for update;
    if exists (select 1 from credit_ledger where refund_of = charge.id) then
        return null;
    end if;
    update credit_balances set balance = balance - charge.amount, updated_at = now()
    where key_id = charge.key_id
    returning balance into after_refund;
    insert into credit_ledger (key_id, kind, amount, balance_after, reason, subject_id, refund_of)
    values (charge.key_id, 'refund', -charge.amount, after_refund, left(why, 500), subject, charge.id)
    returning * into entry;
    return entry;
end $$;

-- A charged conversion (its cost is recorded in conversions.credits and was charged when it was
-- queued) that fails is refunded in the transaction that fails it, whichever path ends it: the
-- worker, a failure, lease recovery giving up. One that is deleted before it ended is refunded too.
create function refund_failed_conversion() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform credit_refund(old.id, old.kind || ' ' || old.id || ' removed before it ended');
        return old;
    end if;
    perform credit_refund(new.id, new.kind || ' ' || new.id || ' failed: ' || coalesce(new.error_code, 'failed'));
    return new;
end $$;

create trigger conversions_refund_failed
    after update of status on conversions
    for each row
    when (new.credits is not null and old.status in ('pending', 'processing') and new.status = 'failed')
    execute function refund_failed_conversion();

create trigger conversions_refund_removed
    before delete on conversions
    for each row
    when (old.credits is not null and old.status in ('pending', 'processing'))
    execute function refund_failed_conversion();

-- Keys made before credits existed start with the documented default of their plan
-- (pixmill.credits.initial.*: free 100, professional 1000); later keys get the configured amount.
insert into credit_balances (key_id, balance)
select id, case plan when 'professional' then 1000 else 100 end from api_keys;
insert into credit_ledger (key_id, kind, amount, balance_after, reason)
select key_id, 'grant', balance, balance, 'initial credits of the plan (when credits were introduced)'
from credit_balances where balance > 0;
