-- Case statistics kept as running totals, so that the statistics page answers from a few
-- thousand rows instead of reading every case of the period (a year of a district is about a
-- million cases).
--
-- One row per (span, period, street, department, category): span 1 is a district-local day
-- (days since 1970-01-01 in UTC+8), span 2 a calendar month (year * 12 + month - 1); a case
-- counts in the day and the month it was filed. A period of whole days is answered from the
-- whole months it covers plus the days at either end. Street and department are 0 where the
-- case has none, so that the key has no NULLs (which would never conflict).
--
-- Triggers keep the totals in the statement that changes a case, in its transaction, so the
-- figures are exact whichever code path writes: a change takes the case's old contribution
-- away and adds its new one. Duplicates merged into another case do not count. "Overdue now"
-- depends on the clock, so it is not kept here: it is counted from the open cases through
-- cases_late_idx. (Without rowid: the rows are stored in key order, so a period's rows are
-- read in one sweep with no second lookup.)
create table case_figures (
    span bigint not null,
    period bigint not null,
    street_id bigint not null,
    department_id bigint not null,
    category_id bigint not null,
    cases bigint not null,
    closed bigint not null,
    closed_on_time bigint not null,
    reworked bigint not null,
    handled bigint not null,
    handling_seconds bigint not null,
    satisfied bigint not null,
    rated bigint not null,
    primary key (span, period, street_id, department_id, category_id)
) without rowid;

create index cases_late_idx on cases (state, deadline_at, created_at, street_id, department_id, category_id);

insert into case_figures (span, period, street_id, department_id, category_id, cases, closed, closed_on_time,
    reworked, handled, handling_seconds, satisfied, rated)
select s.span,
    case s.span when 1 then (c.created_at + 28800) / 86400
        else cast(strftime('%Y', c.created_at + 28800, 'unixepoch') as integer) * 12
            + cast(strftime('%m', c.created_at + 28800, 'unixepoch') as integer) - 1 end,
    coalesce(c.street_id, 0), coalesce(c.department_id, 0), c.category_id,
    count(*),
    sum(case when c.state = 'closed' then 1 else 0 end),
    sum(case when c.state = 'closed' and c.closed_at <= c.deadline_at then 1 else 0 end),
    sum(case when c.state = 'closed' and c.rework_count > 0 then 1 else 0 end),
    sum(case when c.state = 'closed' and c.dispatched_at is not null then 1 else 0 end),
    sum(case when c.state = 'closed' and c.dispatched_at is not null then c.closed_at - c.dispatched_at else 0 end),
    sum(case when c.rating in ('satisfied', 'fairly_satisfied') then 1 else 0 end),
    sum(case when c.rating is not null then 1 else 0 end)
from cases c, (select 1 as span union all select 2) s
where c.merged_into is null
group by 1, 2, 3, 4, 5;

-- SQLite triggers have no variables: each statement spells a case's contribution out, for
-- its day and its month at once (`where true` lets SQLite tell the upsert from a join).
create trigger case_figures_insert after insert on cases when new.merged_into is null
begin
    insert into case_figures (span, period, street_id, department_id, category_id, cases, closed, closed_on_time,
        reworked, handled, handling_seconds, satisfied, rated)
    select s.span, s.period, coalesce(new.street_id, 0), coalesce(new.department_id, 0), new.category_id, 1,
        case when new.state = 'closed' then 1 else 0 end,
        case when new.state = 'closed' and new.closed_at <= new.deadline_at then 1 else 0 end,
        case when new.state = 'closed' and new.rework_count > 0 then 1 else 0 end,
        case when new.state = 'closed' and new.dispatched_at is not null then 1 else 0 end,
        case when new.state = 'closed' and new.dispatched_at is not null then new.closed_at - new.dispatched_at else 0 end,
        case when new.rating in ('satisfied', 'fairly_satisfied') then 1 else 0 end,
        case when new.rating is not null then 1 else 0 end
    from (select 1 as span, (new.created_at + 28800) / 86400 as period
          union all select 2, cast(strftime('%Y', new.created_at + 28800, 'unixepoch') as integer) * 12
              + cast(strftime('%m', new.created_at + 28800, 'unixepoch') as integer) - 1) s
    where true
    on conflict (span, period, street_id, department_id, category_id) do update set
        cases = cases + excluded.cases, closed = closed + excluded.closed,
        closed_on_time = closed_on_time + excluded.closed_on_time, reworked = reworked + excluded.reworked,
        handled = handled + excluded.handled, handling_seconds = handling_seconds + excluded.handling_seconds,
        satisfied = satisfied + excluded.satisfied, rated = rated + excluded.rated;
end;

create trigger case_figures_update after update of state, street_id, department_id, category_id, dispatched_at,
    deadline_at, closed_at, rework_count, rating, merged_into, created_at on cases
when old.state is not new.state or old.street_id is not new.street_id or old.department_id is not new.department_id
    or old.category_id is not new.category_id or old.dispatched_at is not new.dispatched_at
    or old.deadline_at is not new.deadline_at or old.closed_at is not new.closed_at
    or old.rework_count is not new.rework_count or old.rating is not new.rating
    or old.merged_into is not new.merged_into or old.created_at is not new.created_at
begin
    insert into case_figures (span, period, street_id, department_id, category_id, cases, closed, closed_on_time,
        reworked, handled, handling_seconds, satisfied, rated)
    select s.span, s.period, coalesce(old.street_id, 0), coalesce(old.department_id, 0), old.category_id, -1,
        -(case when old.state = 'closed' then 1 else 0 end),
        -(case when old.state = 'closed' and old.closed_at <= old.deadline_at then 1 else 0 end),
        -(case when old.state = 'closed' and old.rework_count > 0 then 1 else 0 end),
        -(case when old.state = 'closed' and old.dispatched_at is not null then 1 else 0 end),
        -(case when old.state = 'closed' and old.dispatched_at is not null then old.closed_at - old.dispatched_at else 0 end),
        -(case when old.rating in ('satisfied', 'fairly_satisfied') then 1 else 0 end),
        -(case when old.rating is not null then 1 else 0 end)
    from (select 1 as span, (old.created_at + 28800) / 86400 as period
          union all select 2, cast(strftime('%Y', old.created_at + 28800, 'unixepoch') as integer) * 12
              + cast(strftime('%m', old.created_at + 28800, 'unixepoch') as integer) - 1) s
    where old.merged_into is null
    on conflict (span, period, street_id, department_id, category_id) do update set
        cases = cases + excluded.cases, closed = closed + excluded.closed,
        closed_on_time = closed_on_time + excluded.closed_on_time, reworked = reworked + excluded.reworked,
        handled = handled + excluded.handled, handling_seconds = handling_seconds + excluded.handling_seconds,
        satisfied = satisfied + excluded.satisfied, rated = rated + excluded.rated;
    insert into case_figures (span, period, street_id, department_id, category_id, cases, closed, closed_on_time,
        reworked, handled, handling_seconds, satisfied, rated)
    select s.span, s.period, coalesce(new.street_id, 0), coalesce(new.department_id, 0), new.category_id, 1,
        case when new.state = 'closed' then 1 else 0 end,
        case when new.state = 'closed' and new.closed_at <= new.deadline_at then 1 else 0 end,
        case when new.state = 'closed' and new.rework_count > 0 then 1 else 0 end,
        case when new.state = 'closed' and new.dispatched_at is not null then 1 else 0 end,
        case when new.state = 'closed' and new.dispatched_at is not null then new.closed_at - new.dispatched_at else 0 end,
        case when new.rating in ('satisfied', 'fairly_satisfied') then 1 else 0 end,
        case when new.rating is not null then 1 else 0 end
    from (select 1 as span, (new.created_at + 28800) / 86400 as period
          union all select 2, cast(strftime('%Y', new.created_at + 28800, 'unixepoch') as integer) * 12
              + cast(strftime('%m', new.created_at + 28800, 'unixepoch') as integer) - 1) s
    where new.merged_into is null
    on conflict (span, period, street_id, department_id, category_id) do update set
        cases = cases + excluded.cases, closed = closed + excluded.closed,
        closed_on_time = closed_on_time + excluded.closed_on_time, reworked = reworked + excluded.reworked,
        handled = handled + excluded.handled, handling_seconds = handling_seconds + excluded.handling_seconds,
        satisfied = satisfied + excluded.satisfied, rated = rated + excluded.rated;
end;

create trigger case_figures_delete after delete on cases when old.merged_into is null
begin
    insert into case_figures (span, period, street_id, department_id, category_id, cases, closed, closed_on_time,
        reworked, handled, handling_seconds, satisfied, rated)
    select s.span, s.period, coalesce(old.street_id, 0), coalesce(old.department_id, 0), old.category_id, -1,
        -(case when old.state = 'closed' then 1 else 0 end),
        -(case when old.state = 'closed' and old.closed_at <= old.deadline_at then 1 else 0 end),
        -(case when old.state = 'closed' and old.rework_count > 0 then 1 else 0 end),
        -(case when old.state = 'closed' and old.dispatched_at is not null then 1 else 0 end),
        -(case when old.state = 'closed' and old.dispatched_at is not null then old.closed_at - old.dispatched_at else 0 end),
        -(case when old.rating in ('satisfied', 'fairly_satisfied') then 1 else 0 end),
        -(case when old.rating is not null then 1 else 0 end)
    from (select 1 as span, (old.created_at + 28800) / 86400 as period
          union all select 2, cast(strftime('%Y', old.created_at + 28800, 'unixepoch') as integer) * 12
              + cast(strftime('%m', old.created_at + 28800, 'unixepoch') as integer) - 1) s
    where true
    on conflict (span, period, street_id, department_id, category_id) do update set
        cases = cases + excluded.cases, closed = closed + excluded.closed,
        closed_on_time = closed_on_time + excluded.closed_on_time, reworked = reworked + excluded.reworked,
        handled = handled + excluded.handled, handling_seconds = handling_seconds + excluded.handling_seconds,
        satisfied = satisfied + excluded.satisfied, rated = rated + excluded.rated;
end;
