-- A lottery commits to its seed before anyone enters (bookings/lottery.rs): the server draws
-- the seed when the lottery is created and publishes SHA-256 of it, the commitment; the seed
-- itself is kept sealed with the server's key until the draw publishes it in lottery_seed.
-- The database keeps all three from changing once written.
alter table offerings add column lottery_commitment text;

create table lottery_seeds (
    offering_id bigint primary key references offerings (offering_id),
    seed_sealed text not null,
    created_at bigint not null
);

create function lottery_seeds_fixed() returns trigger language plpgsql as $$
begin
    raise exception 'a lottery seed cannot change or be removed';
end;
$$;

create trigger lottery_seeds_fixed before update or delete on lottery_seeds
for each row execute function lottery_seeds_fixed();

create function offerings_lottery_fixed() returns trigger language plpgsql as $$
begin
    if new.mode = 'lottery' and new.lottery_commitment is null
        and (tg_op = 'INSERT' or old.mode <> 'lottery') then
        raise exception 'a lottery needs a committed seed';
    end if;
    if tg_op = 'UPDATE'
        and ((old.lottery_commitment is not null and new.lottery_commitment is distinct from old.lottery_commitment)
            or (old.lottery_seed is not null and new.lottery_seed is distinct from old.lottery_seed)) then
        raise exception 'a lottery''s commitment and seed cannot change';
    end if;
    return new;
end;
$$;

create trigger offerings_lottery_committed before insert on offerings
for each row when (new.mode = 'lottery') execute function offerings_lottery_fixed();

create trigger offerings_lottery_fixed before update of mode, lottery_commitment, lottery_seed on offerings
for each row execute function offerings_lottery_fixed();

-- A drawn lottery takes no more entries (an entry after the draw could never be drawn). The
-- draw locks the offering first, and book_batch locks the offerings it books before reading
-- them, so an entry either lands before the draw's lock or sees drawn_at. book_batch as in
-- 0005, with `o.drawn_at is null` in `open`.
create or replace function book_batch(requests json)
returns table (out_ord bigint, out_outcome text, out_id bigint, out_status text)
language plpgsql as $$
begin
    perform 1 from offerings
    where offering_id in (select (e ->> 'offering_id')::bigint from json_array_elements(requests) e)
    order by offering_id for update;
    -- The trigger leaves seats, audit log and inbox of this statement's rows to it.
    perform set_config('ejia.bookkeeping', 'caller', true);
    return query
    with items as (
        select * from json_to_recordset(requests) as x(
            ord bigint, offering_id bigint, booker bigint, person_id bigint, person_key text, service_key text,
            seats bigint, status text, fallback text, idempotency_key text, code text, now bigint)
    ),
    judged as (
        select i.*, coalesce(o.status = 'open' and o.drawn_at is null, false) as open, o.capacity, o.booked,
            (select r.reservation_id from reservations r
             where r.booker_user_id = i.booker and r.idempotency_key = i.idempotency_key) as repeated_id,
            -- A scalar subquery, not EXISTS: the planner would hash all active reservations.
            coalesce((select true from reservations r where r.service_key = i.service_key
                      and r.person_key = i.person_key and r.service_key <> ''
                      and r.status in ('requested', 'confirmed', 'waitlisted') limit 1), false) as already,
            (i.idempotency_key is not null
                and row_number() over (partition by i.booker, i.idempotency_key order by i.ord) > 1)
            or (i.service_key <> ''
                and row_number() over (partition by i.service_key, i.person_key order by i.ord) > 1) as twin
        from items i left join offerings o on o.offering_id = i.offering_id
    ),
    candidates as (
        select j.*, sum(j.seats) filter (where j.status = 'confirmed')
                    over (partition by j.offering_id order by j.ord) as running
        from judged j
        where j.open and j.repeated_id is null and not j.already and not j.twin
    ),
    decided as (
        select c.ord, c.code,
            case when c.status <> 'confirmed' or c.capacity is null or c.booked + c.running <= c.capacity
                 then c.status else c.fallback end as final
        from candidates c
    ),
    inserted as (
        insert into reservations (offering_id, booker_user_id, person_id, person_key, service_key, seats, status,
                                  idempotency_key, code, created_at, updated_at)
        select i.offering_id, i.booker, i.person_id, i.person_key, i.service_key, i.seats, d.final,
               i.idempotency_key, i.code, i.now, i.now
        from decided d join items i on i.ord = d.ord
        where d.final is not null
        order by i.ord
        on conflict do nothing
        returning reservation_id, offering_id, booker_user_id, status, seats, code, created_at
    ),
    counted as (
        update offerings o set booked = o.booked + s.n
        from (select offering_id, sum(seats) as n from inserted where status = 'confirmed' group by offering_id) s
        where o.offering_id = s.offering_id
        returning o.offering_id
    ),
    audited as (
        insert into audit_log (at, actor_user_id, action, object_kind, object_id, street_id, summary, before_json,
                               after_json)
        select created_at, booker_user_id, 'reservation.create', 'reservation', reservation_id, null,
               'reservation#' || reservation_id, null,
               '{"offering_id":' || offering_id || ',"status":"' || status || '","seats":' || seats || '}'
        from inserted
        returning 1
    ),
    noticed as (
        insert into notifications (user_id, kind, params_json, created_at)
        select booker_user_id, 'booking.' || status,
               '{"reservation_id":' || reservation_id || ',"offering_id":' || offering_id || '}', created_at
        from inserted
        returning 1
    )
    select j.ord,
        case when not j.open then 'closed'
             when j.repeated_id is not null then 'repeated'
             when j.already then 'already'
             when j.twin then 'retry'
             when d.final is null then 'full'
             when n.reservation_id is not null then 'booked'
             else 'retry' end,
        coalesce(n.reservation_id, j.repeated_id),
        n.status
    from judged j
    left join decided d on d.ord = j.ord
    left join inserted n on n.code = d.code;
    perform set_config('ejia.bookkeeping', '', true);
end;
$$;
