-- Case categories and the working-time calendar, as data the back office maintains.
--
-- A category has a two-level code (major 2 digits + minor 2 digits, see cases/catalog.rs), a
-- default department, a handling time limit in working time ('4h' = four working hours,
-- '3d' = three working days), and whether reports need a photo and show on the public board.
create table case_categories (
    category_id integer primary key,
    code text not null unique,
    name text not null,
    parent_code text,
    kind text not null,
    department_id bigint references departments (department_id),
    time_limit text,
    photos_required bigint not null default 0,
    public bigint not null default 1,
    active bigint not null default 1,
    created_at bigint not null,
    updated_at bigint not null
);
create index case_categories_parent_idx on case_categories (parent_code, code);

-- The district's working week: daily periods ('09:00-12:00,13:30-17:30') and working
-- weekdays, Monday first ('1111100'). One row.
create table work_week (
    work_week_id integer primary key,
    periods text not null,
    weekdays text not null,
    updated_at bigint not null
);

-- Exceptions to the week: public holidays ('holiday') and make-up working days ('workday').
create table work_days (
    day text primary key,
    kind text not null,
    note text not null default '',
    updated_at bigint not null
);
