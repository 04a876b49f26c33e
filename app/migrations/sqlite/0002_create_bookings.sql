-- The booking engine: people booked for, offerings with seats, reservations, the inbox.
-- Kept in step with ../postgres/0002_create_bookings.sql (checked by a test).
--
-- "Never oversold" is enforced by the schema itself: offerings.booked counts confirmed seats
-- and is kept by triggers on reservations, and a CHECK forbids booked > capacity. A booking
-- is one INSERT; if it would overfill the offering, the trigger's UPDATE fails the CHECK and
-- the INSERT fails with it, whatever else is running at the same time.

create table people (
    person_id integer primary key,
    owner_user_id bigint not null references users (user_id) on delete cascade,
    name text not null,
    relation text not null,
    id_index text,
    id_sealed text,
    id_masked text,
    birth_date text,
    created_at bigint not null
);
create index people_owner_idx on people (owner_user_id);

create table services (
    service_id integer primary key,
    name text not null,
    description text not null default '',
    real_name_required bigint not null default 1,
    department_id bigint references departments (department_id),
    created_by bigint references users (user_id),
    created_at bigint not null,
    updated_at bigint not null
);

create table offerings (
    offering_id integer primary key,
    kind text not null,
    service_id bigint references services (service_id),
    service_key text not null,
    venue_id bigint references venues (venue_id),
    starts_at bigint not null,
    ends_at bigint not null,
    capacity bigint,
    booked bigint not null default 0,
    waitlist_enabled bigint not null default 1,
    mode text not null default 'first_come',
    opens_at bigint,
    closes_at bigint,
    cancel_until bigint,
    max_per_user bigint,
    min_age bigint,
    max_age bigint,
    street_ids text not null default '',
    status text not null default 'open',
    lottery_seed text,
    drawn_at bigint,
    created_at bigint not null,
    updated_at bigint not null,
    check (capacity is null or (capacity >= 0 and booked <= capacity)),
    check (booked >= 0)
);
create index offerings_service_idx on offerings (service_id, starts_at);
create index offerings_venue_idx on offerings (venue_id, starts_at);

create table reservations (
    reservation_id integer primary key,
    offering_id bigint not null references offerings (offering_id),
    booker_user_id bigint not null references users (user_id),
    person_id bigint references people (person_id),
    person_key text not null,
    service_key text not null,
    seats bigint not null default 1,
    status text not null,
    group_id bigint,
    idempotency_key text,
    code text not null unique,
    updated_by bigint,
    created_at bigint not null,
    updated_at bigint not null,
    check (seats >= 1)
);
create unique index reservations_idempotency_idx on reservations (booker_user_id, idempotency_key);
-- One active booking per person per service (service_key '' means no such rule).
create unique index reservations_one_active_idx on reservations (service_key, person_key)
    where status in ('requested', 'confirmed', 'waitlisted') and service_key <> '';
create index reservations_offering_idx on reservations (offering_id, status, reservation_id);
create index reservations_booker_idx on reservations (booker_user_id, reservation_id);

create trigger reservations_seats_on_insert after insert on reservations
when new.status in ('confirmed', 'attended', 'no_show')
begin
    update offerings set booked = booked + new.seats where offering_id = new.offering_id;
end;

create trigger reservations_seats_on_update after update of status, seats on reservations
begin
    update offerings set booked = booked
        - (case when old.status in ('confirmed', 'attended', 'no_show') then old.seats else 0 end)
        + (case when new.status in ('confirmed', 'attended', 'no_show') then new.seats else 0 end)
    where offering_id = new.offering_id;
end;

create table notifications (
    notification_id integer primary key,
    user_id bigint not null references users (user_id) on delete cascade,
    kind text not null,
    params_json text not null,
    created_at bigint not null,
    read_at bigint
);
create index notifications_user_idx on notifications (user_id, notification_id);

-- Every reservation change is in the audit log and the booker's inbox, written by the
-- database in the same statement as the change itself, so neither can be forgotten or lost.
create trigger reservations_log_insert after insert on reservations
begin
    insert into audit_log (at, actor_user_id, action, object_kind, object_id, street_id, summary, before_json, after_json)
    values (new.created_at, coalesce(new.updated_by, new.booker_user_id), 'reservation.create', 'reservation',
            new.reservation_id, null, 'reservation#' || new.reservation_id, null,
            json_object('offering_id', new.offering_id, 'status', new.status, 'seats', new.seats));
    insert into notifications (user_id, kind, params_json, created_at)
    values (new.booker_user_id, 'booking.' || new.status,
            json_object('reservation_id', new.reservation_id, 'offering_id', new.offering_id), new.created_at);
end;

create trigger reservations_log_update after update of status on reservations
when old.status <> new.status
begin
    insert into audit_log (at, actor_user_id, action, object_kind, object_id, street_id, summary, before_json, after_json)
    values (new.updated_at, new.updated_by, 'reservation.' || new.status, 'reservation', new.reservation_id, null,
            'reservation#' || new.reservation_id, json_object('status', old.status), json_object('status', new.status));
    insert into notifications (user_id, kind, params_json, created_at)
    values (new.booker_user_id,
            case when old.status = 'waitlisted' and new.status = 'confirmed' then 'booking.promoted'
                 else 'booking.' || new.status end,
            json_object('reservation_id', new.reservation_id, 'offering_id', new.offering_id), new.updated_at);
end;
