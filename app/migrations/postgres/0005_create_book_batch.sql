-- Group booking on PostgreSQL: many residents' bookings in one statement and one commit.
--
-- In a rush each ejia instance gathers the bookings that arrive while its previous batch
-- runs and hands them to book_batch as one JSON array (see bookings/batch.rs). Booking them
-- one by one costs PostgreSQL some fifteen statement executions each (the INSERT, its
-- foreign-key checks and the bookkeeping trigger's three writes); set-based, a batch of a
-- hundred costs a handful, with one round trip and one WAL flush.
--
-- Correctness is the same as one by one: the function first locks the offerings it books,
-- in id order (so two batches of two instances cannot deadlock over them), and only then
-- reads their seat counts, which stay final until its commit. Within the batch the seats are
-- given in request order (a running sum per offering). The unique indexes still refuse a
-- second active booking or a repeated key (ON CONFLICT DO NOTHING); what a concurrent
-- transaction slipped in is answered "retry" and booked alone by the caller. The CHECK on
-- offerings still refuses overselling, and would fail the whole batch.
--
-- Each element: ord, offering_id, booker, person_id, person_key, service_key, seats, status
-- (wanted: confirmed or requested), fallback (waitlisted or null), idempotency_key, code, now.
-- Each result: ord, outcome (booked, repeated, already, closed, full, retry), the reservation
-- id (booked, repeated) and status (booked).
create function book_batch(requests json)
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
        select i.*, coalesce(o.status = 'open', false) as open, o.capacity, o.booked,
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

-- The bookkeeping trigger of migration 0002, unchanged but for its first line: rows written
-- by book_batch are accounted for by book_batch itself, set-based.
create or replace function reservations_bookkeeping() returns trigger language plpgsql as $$
declare
    seats_before bigint := 0;
    seats_after bigint := 0;
begin
    if current_setting('ejia.bookkeeping', true) = 'caller' then
        return null;
    end if;
    if tg_op = 'UPDATE' and old.status in ('confirmed', 'attended', 'no_show') then
        seats_before := old.seats;
    end if;
    if new.status in ('confirmed', 'attended', 'no_show') then
        seats_after := new.seats;
    end if;
    if seats_after <> seats_before then
        update offerings set booked = booked - seats_before + seats_after where offering_id = new.offering_id;
    end if;
    if tg_op = 'INSERT' then
        insert into audit_log (at, actor_user_id, action, object_kind, object_id, street_id, summary, before_json, after_json)
        values (new.created_at, coalesce(new.updated_by, new.booker_user_id), 'reservation.create', 'reservation',
                new.reservation_id, null, 'reservation#' || new.reservation_id, null,
                '{"offering_id":' || new.offering_id || ',"status":"' || new.status || '","seats":' || new.seats || '}');
        insert into notifications (user_id, kind, params_json, created_at)
        values (new.booker_user_id, 'booking.' || new.status,
                '{"reservation_id":' || new.reservation_id || ',"offering_id":' || new.offering_id || '}', new.created_at);
    elsif old.status <> new.status then
        insert into audit_log (at, actor_user_id, action, object_kind, object_id, street_id, summary, before_json, after_json)
        values (new.updated_at, new.updated_by, 'reservation.' || new.status, 'reservation', new.reservation_id, null,
                'reservation#' || new.reservation_id, '{"status":"' || old.status || '"}', '{"status":"' || new.status || '"}');
        insert into notifications (user_id, kind, params_json, created_at)
        values (new.booker_user_id,
                case when old.status = 'waitlisted' and new.status = 'confirmed' then 'booking.promoted'
                     else 'booking.' || new.status end,
                '{"reservation_id":' || new.reservation_id || ',"offering_id":' || new.offering_id || '}', new.updated_at);
    end if;
    return null;
end;
$$;
