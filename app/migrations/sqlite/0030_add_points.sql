-- The platform's one points ledger (学习积分, issue 13). Other domains award points inside the
-- transaction of the action that earns them (`points::award`, `points::reverse`).

-- The rules, as data the district admin edits: points per action and a daily cap per source.
-- A change adds a new version and never rewrites the old one, so every entry can name the rule
-- it was given under; the current rule of a source is its highest version.
create table points_rules (
    rule_id integer primary key,
    source text not null,
    version bigint not null,
    points bigint not null,
    daily_cap bigint not null,
    created_by bigint references users (user_id),
    created_at bigint not null,
    unique (source, version),
    check (points >= 0 and daily_cap >= 0)
);

-- The defaults (what and why in `points::model::DEFAULTS`): an accepted exercise check-in 5,
-- at most 10 a day (two activity types); a correct quiz answer 2, at most 10 a day (a
-- milestone's three questions and then some); attending a lecture or screening 10, at most 20
-- a day (it takes an evening); a contest vote 1, at most 5 a day.
insert into points_rules (source, version, points, daily_cap, created_at) values
    ('checkin', 1, 5, 10, 0),
    ('quiz', 1, 2, 10, 0),
    ('attendance', 1, 10, 20, 0),
    ('vote', 1, 1, 5, 0);

-- The ledger, append-only: never updated, never deleted. An award names its source, the
-- object that earned it (`checkin:123`, `quiz:7:2`, `attendance:456`), the district-local day
-- (YYYY-MM-DD) it counts for and the rule version it was given under; `points` is what the rule
-- gave, less what the daily cap left (0 when the cap was reached). A reversal (`reverses_entry_id`
-- set, `reason` why) takes back one award with the opposite points, on the award's day.
-- `round` counts a reference's awards: an award reversed may be given again (a replaced
-- check-in), but one reference has at most one award per round.
create table points_entries (
    entry_id integer primary key,
    user_id bigint not null references users (user_id),
    source text not null,
    reference text not null,
    round bigint not null default 0,
    points bigint not null,
    day text not null,
    rule_id bigint not null references points_rules (rule_id),
    reverses_entry_id bigint references points_entries (entry_id),
    reason text,
    created_at bigint not null
);
create unique index points_entries_award_idx on points_entries (source, reference, round)
    where reverses_entry_id is null;
create unique index points_entries_reversal_idx on points_entries (reverses_entry_id)
    where reverses_entry_id is not null;
-- A person's history, newest first; the day's sum of a source for the cap.
create index points_entries_user_idx on points_entries (user_id, entry_id);
create index points_entries_day_idx on points_entries (user_id, day, source);

-- Each person's total, written in the transaction of every entry. Its row is also what an award
-- locks (PostgreSQL, `for update`) before it reads the day's sum, so two awards at once for
-- one person never pass the cap together.
create table points_totals (
    user_id bigint primary key references users (user_id),
    total bigint not null,
    updated_at bigint not null
);
