-- Foundation schema: the district's structure, people, roles, sessions, audit.
-- Kept in step with ../postgres/0001_create_foundation.sql (checked by a test).
-- Times are Unix seconds (bigint); booleans are bigint 0/1 (portable through sqlx Any).

create table districts (
    district_id integer primary key,
    code text not null unique,
    name text not null,
    city text not null,
    province text not null,
    population bigint,
    area_km2 real,
    lat real,
    lng real,
    created_at bigint not null,
    updated_at bigint not null
);

create table streets (
    street_id integer primary key,
    district_id bigint not null references districts (district_id),
    code text not null unique,
    name text not null,
    created_at bigint not null,
    updated_at bigint not null
);

create table communities (
    community_id integer primary key,
    street_id bigint not null references streets (street_id),
    code text not null unique,
    name text not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index communities_street_idx on communities (street_id);

create table departments (
    department_id integer primary key,
    name text not null unique,
    kind text not null,
    street_id bigint references streets (street_id),
    created_at bigint not null,
    updated_at bigint not null
);

create table venues (
    venue_id integer primary key,
    name text not null,
    kind text not null,
    address text not null,
    lat real,
    lng real,
    street_id bigint not null references streets (street_id),
    community_id bigint references communities (community_id),
    capacity bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create index venues_street_idx on venues (street_id, venue_id);

create table users (
    user_id integer primary key,
    phone_index text not null unique,
    phone_sealed text not null,
    phone_masked text not null,
    display_name text not null,
    community_id bigint references communities (community_id),
    password_hash text,
    locale text,
    large_text bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null,
    disabled_at bigint
);

create table role_grants (
    role_grant_id integer primary key,
    user_id bigint not null references users (user_id) on delete cascade,
    role text not null,
    scope_kind text not null,
    scope_id bigint not null,
    granted_by bigint,
    created_at bigint not null,
    unique (user_id, role, scope_kind, scope_id)
);

create table sessions (
    session_id text primary key,
    user_id bigint not null references users (user_id) on delete cascade,
    created_at bigint not null,
    last_seen_at bigint not null,
    expires_at bigint not null
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

create table api_tokens (
    api_token_id integer primary key,
    user_id bigint not null references users (user_id) on delete cascade,
    token_hash text not null unique,
    label text not null,
    created_at bigint not null,
    last_used_at bigint,
    revoked_at bigint
);

create table auth_throttle (
    throttle_key text primary key,
    window_start bigint not null,
    failures bigint not null
);

create table verifications (
    verification_id integer primary key,
    token_hash text not null unique,
    purpose text not null,
    phone_index text not null,
    phone_sealed text not null,
    code_hash text not null,
    attempts bigint not null default 0,
    created_at bigint not null,
    expires_at bigint not null,
    consumed_at bigint
);
create index verifications_phone_idx on verifications (phone_index, created_at);

create table sms_outbox (
    sms_id integer primary key,
    phone_sealed text not null,
    phone_masked text not null,
    body text not null,
    created_at bigint not null,
    sent_at bigint
);

create table audit_log (
    audit_id integer primary key,
    at bigint not null,
    actor_user_id bigint,
    action text not null,
    object_kind text not null,
    object_id bigint not null,
    street_id bigint,
    summary text not null,
    before_json text,
    after_json text
);
create index audit_log_object_idx on audit_log (object_kind, object_id);
create index audit_log_street_idx on audit_log (street_id, audit_id);
