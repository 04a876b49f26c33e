-- Activities: events with sessions (offerings of the booking engine), and recurring series.
-- Kept in step with ../postgres/0003_create_events.sql (checked by a test).

create table events (
    event_id integer primary key,
    title text not null,
    kind text not null,
    description text not null default '',
    campaign text not null default '',
    department_id bigint references departments (department_id),
    street_id bigint references streets (street_id),
    members_only bigint not null default 0,
    created_by bigint references users (user_id),
    created_at bigint not null,
    updated_at bigint not null
);

create table series (
    series_id integer primary key,
    event_id bigint not null references events (event_id),
    rrule text not null,
    created_at bigint not null
);

alter table offerings add column event_id bigint references events (event_id);
alter table offerings add column series_id bigint references series (series_id);
alter table offerings add column online_url text;
-- Who runs an offering (its service's or event's organiser), so staff rights need no lookup.
alter table offerings add column department_id bigint references departments (department_id);
alter table offerings add column street_id bigint references streets (street_id);
create index offerings_event_idx on offerings (event_id, starts_at);
create index offerings_starts_idx on offerings (starts_at);

-- Reminders the day before (claimed once, by whichever instance gets there first) and text
-- messages for inbox notices (the same).
alter table reservations add column reminded_at bigint;
alter table notifications add column sms_at bigint;
create index notifications_sms_idx on notifications (sms_at, notification_id);
