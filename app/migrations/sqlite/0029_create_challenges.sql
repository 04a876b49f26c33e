-- 网上重走长征路 (issue 13): challenges on the Long March route, their teams, the people taking
-- part, and their daily exercise check-ins (运动打卡). Not the `checkins` of venues (attendance).
--
-- Distances are whole metres, so a team's total is exactly the sum of its members'. The scale
-- (route km per real km) is kept in thousandths, an integer too. A challenge belongs to the
-- district (street_id null) or one street, and may name its organising department: that is
-- where authorization places it. Who may join is `audience` (everyone / street / community /
-- department, with `audience_id`).
create table challenges (
    challenge_id integer primary key,
    name text not null,
    route text not null,
    scale_milli bigint not null,
    starts_on text not null,
    ends_on text not null,
    daily_cap_m bigint not null,
    cap_walk_m bigint,
    cap_run_m bigint,
    cap_cycle_m bigint,
    cap_swim_m bigint,
    steps_per_km bigint not null,
    days_back bigint not null,
    audience text not null,
    audience_id bigint,
    street_id bigint references streets (street_id),
    department_id bigint references departments (department_id),
    personal_board bigint not null default 0,
    demo bigint not null default 0,
    created_by bigint references users (user_id),
    created_at bigint not null,
    updated_at bigint not null
);

-- Teams: a street's or a community's residents, a Party branch, or one a resident made; the
-- last two are joined with `join_code`. `members` and `counted_m` are the running totals of
-- its joined participants (written in the same transaction as each join and check-in), so the
-- board of 200 teams reads 200 rows however many people take part.
create table challenge_teams (
    team_id integer primary key,
    challenge_id bigint not null references challenges (challenge_id),
    kind text not null,
    name text not null,
    street_id bigint references streets (street_id),
    community_id bigint references communities (community_id),
    join_code text,
    members bigint not null default 0,
    counted_m bigint not null default 0,
    created_by bigint references users (user_id),
    created_at bigint not null,
    updated_at bigint not null
);
create index challenge_teams_challenge_idx on challenge_teams (challenge_id);

-- One row per person per challenge (joining twice finds it). Their home street and community
-- at joining, for the street board. `counted_m` is the sum of their check-ins' counted metres,
-- kept with each check-in; locking this row serialises one person's check-ins.
create table challenge_participants (
    participant_id integer primary key,
    challenge_id bigint not null references challenges (challenge_id),
    user_id bigint not null references users (user_id),
    team_id bigint references challenge_teams (team_id),
    street_id bigint references streets (street_id),
    community_id bigint references communities (community_id),
    counted_m bigint not null default 0,
    joined_at bigint not null,
    updated_at bigint not null
);
create unique index challenge_participants_person_idx on challenge_participants (challenge_id, user_id);
create index challenge_participants_board_idx on challenge_participants (challenge_id, counted_m);
create index challenge_participants_street_idx on challenge_participants (challenge_id, street_id, counted_m);
create index challenge_participants_team_idx on challenge_participants (team_id);

-- One check-in per person per challenge per day (district-local YYYY-MM-DD) per kind: the
-- unique index is the rule, whatever races. A second one replaces the first (`revision` counts
-- replacements). `counted_m` is what counts (0 while held or when refused). Of a GPX track only
-- a hash of it is kept, to refuse the same track twice in a challenge — never its points.
-- `reviewed_by` set: an organiser decided, and the owner can no longer replace it.
create table challenge_checkins (
    checkin_id integer primary key,
    challenge_id bigint not null references challenges (challenge_id),
    user_id bigint not null references users (user_id),
    day text not null,
    kind text not null,
    claimed_m bigint not null,
    steps bigint,
    minutes bigint,
    source text not null,
    status text not null,
    counted_m bigint not null,
    reason text,
    track_hash text,
    reviewed_by bigint references users (user_id),
    reviewed_at bigint,
    idempotency_key text,
    revision bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null
);
create unique index challenge_checkins_once_idx on challenge_checkins (challenge_id, user_id, day, kind);
create unique index challenge_checkins_track_idx on challenge_checkins (challenge_id, track_hash) where track_hash is not null;
create unique index challenge_checkins_idempotency_idx on challenge_checkins (user_id, idempotency_key) where idempotency_key is not null;
create index challenge_checkins_status_idx on challenge_checkins (challenge_id, status);
create index challenge_checkins_mine_idx on challenge_checkins (user_id, day);
