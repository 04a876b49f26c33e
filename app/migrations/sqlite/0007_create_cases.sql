-- Cases and their timeline.
--
-- A case is filed (by a resident, an inspector on patrol, or staff taking a hotline call),
-- accepted and dispatched to a department, handled, checked and closed; cases/workflow.rs
-- says who may move it. The deadline is set at dispatch from the category's limit, counted
-- in the district's working time. The timeline is append-only: one row per step, with who,
-- when, from which state to which, and the note.
create table cases (
    case_id integer primary key,
    category_id bigint not null references case_categories (category_id),
    source text not null,
    state text not null,
    description text not null,
    street_id bigint references streets (street_id),
    community_id bigint references communities (community_id),
    address text not null default '',
    reporter_user_id bigint references users (user_id),
    anonymous bigint not null default 0,
    department_id bigint references departments (department_id),
    dispatched_at bigint,
    deadline_at bigint,
    closed_at bigint,
    escalated bigint not null default 0,
    rework_count bigint not null default 0,
    rating text,
    created_at bigint not null,
    updated_at bigint not null
);
create index cases_state_idx on cases (state, case_id);
create index cases_department_idx on cases (department_id, state, case_id);
create index cases_street_idx on cases (street_id, state, case_id);
create index cases_reporter_idx on cases (reporter_user_id, case_id);

create table case_events (
    case_event_id integer primary key,
    case_id bigint not null references cases (case_id),
    at bigint not null,
    actor_user_id bigint references users (user_id),
    action text not null,
    from_state text,
    to_state text not null,
    department_id bigint references departments (department_id),
    note text not null default ''
);
create index case_events_case_idx on case_events (case_id, case_event_id);
