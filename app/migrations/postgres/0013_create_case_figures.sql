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
-- A trigger keeps the totals in the statement that changes a case, in its transaction, so the
-- figures are exact whichever code path writes: a change takes the case's old contribution
-- away and adds its new one. Duplicates merged into another case do not count. "Overdue now"
-- depends on the clock, so it is not kept here: it is counted from the open cases through
-- cases_late_idx. The key carries the figures too, so a period is read from the index alone:
-- rows updated thousands of times end up scattered over the table, and reading them there
-- would cost a page per row.
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
        include (cases, closed, closed_on_time, reworked, handled, handling_seconds, satisfied, rated)
);

create index cases_late_idx on cases (state, deadline_at, created_at, street_id, department_id, category_id);

-- The month (year * 12 + month - 1) of a time, in the district's zone.
create function case_figures_month(at bigint) returns bigint language sql immutable as $$
    select cast(extract(year from to_timestamp(at + 28800) at time zone 'UTC') as bigint) * 12
        + cast(extract(month from to_timestamp(at + 28800) at time zone 'UTC') as bigint) - 1
$$;

insert into case_figures (span, period, street_id, department_id, category_id, cases, closed, closed_on_time,
    reworked, handled, handling_seconds, satisfied, rated)
select s.span,
    case s.span when 1 then (c.created_at + 28800) / 86400 else case_figures_month(c.created_at) end,
    coalesce(c.street_id, 0), coalesce(c.department_id, 0), c.category_id,
    count(*),
    sum(case when c.state = 'closed' then 1 else 0 end),
    sum(case when c.state = 'closed' and c.closed_at <= c.deadline_at then 1 else 0 end),
    sum(case when c.state = 'closed' and c.rework_count > 0 then 1 else 0 end),
    sum(case when c.state = 'closed' and c.dispatched_at is not null then 1 else 0 end),
    sum(case when c.state = 'closed' and c.dispatched_at is not null then c.closed_at - c.dispatched_at else 0 end),
    sum(case when c.rating in ('satisfied', 'fairly_satisfied') then 1 else 0 end),
    sum(case when c.rating is not null then 1 else 0 end)
from cases c, (values (1), (2)) as s (span)
where c.merged_into is null
group by 1, 2, 3, 4, 5;

-- Adds `weight` times a case's contribution to its day and its month.
create function case_figures_add(c cases, weight bigint) returns void language plpgsql as $$
declare
    is_closed boolean := c.state = 'closed';
    timed boolean := c.state = 'closed' and c.dispatched_at is not null;
begin
    insert into case_figures (span, period, street_id, department_id, category_id, cases, closed, closed_on_time,
        reworked, handled, handling_seconds, satisfied, rated)
    select s.span, s.period, coalesce(c.street_id, 0), coalesce(c.department_id, 0), c.category_id, weight,
        weight * (case when is_closed then 1 else 0 end),
        weight * (case when is_closed and c.closed_at <= c.deadline_at then 1 else 0 end),
        weight * (case when is_closed and c.rework_count > 0 then 1 else 0 end),
        weight * (case when timed then 1 else 0 end),
        weight * (case when timed then c.closed_at - c.dispatched_at else 0 end),
        weight * (case when c.rating in ('satisfied', 'fairly_satisfied') then 1 else 0 end),
        weight * (case when c.rating is not null then 1 else 0 end)
    from (values (1, (c.created_at + 28800) / 86400), (2, case_figures_month(c.created_at))) as s (span, period)
    order by s.span
    on conflict (span, period, street_id, department_id, category_id) do update set
        cases = case_figures.cases + excluded.cases, closed = case_figures.closed + excluded.closed,
        closed_on_time = case_figures.closed_on_time + excluded.closed_on_time,
        reworked = case_figures.reworked + excluded.reworked, handled = case_figures.handled + excluded.handled,
        handling_seconds = case_figures.handling_seconds + excluded.handling_seconds,
        satisfied = case_figures.satisfied + excluded.satisfied, rated = case_figures.rated + excluded.rated;
end
$$;

-- The old contribution goes before the new one, or after it when the new key sorts first: two
-- transactions moving cases between the same two keys take the row locks in one order and so
-- cannot deadlock.
create function case_figures_track() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        if new.merged_into is null then perform case_figures_add(new, 1); end if;
    elsif tg_op = 'DELETE' then
        if old.merged_into is null then perform case_figures_add(old, -1); end if;
    elsif (coalesce(new.street_id, 0), coalesce(new.department_id, 0), new.category_id, new.created_at)
        < (coalesce(old.street_id, 0), coalesce(old.department_id, 0), old.category_id, old.created_at) then
        if new.merged_into is null then perform case_figures_add(new, 1); end if;
        if old.merged_into is null then perform case_figures_add(old, -1); end if;
    else
        if old.merged_into is null then perform case_figures_add(old, -1); end if;
        if new.merged_into is null then perform case_figures_add(new, 1); end if;
    end if;
    return null;
end
$$;

create trigger case_figures_insert_delete after insert or delete on cases
for each row execute function case_figures_track();

create trigger case_figures_update after update of state, street_id, department_id, category_id, dispatched_at,
    deadline_at, closed_at, rework_count, rating, merged_into, created_at on cases
for each row when (old.state is distinct from new.state or old.street_id is distinct from new.street_id
    or old.department_id is distinct from new.department_id or old.category_id is distinct from new.category_id
    or old.dispatched_at is distinct from new.dispatched_at or old.deadline_at is distinct from new.deadline_at
    or old.closed_at is distinct from new.closed_at or old.rework_count is distinct from new.rework_count
    or old.rating is distinct from new.rating or old.merged_into is distinct from new.merged_into
    or old.created_at is distinct from new.created_at)
execute function case_figures_track();
