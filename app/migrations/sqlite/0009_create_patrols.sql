-- Foot patrols (步巡): an inspector starts one, files findings during it, and ends it. The
-- log keeps who, when, how long, the route points the phone gave, and the cases filed.
create table patrols (
    patrol_id integer primary key,
    inspector_user_id bigint not null references users (user_id),
    started_at bigint not null,
    ended_at bigint
);
create index patrols_inspector_idx on patrols (inspector_user_id, patrol_id);

create table patrol_points (
    patrol_point_id integer primary key,
    patrol_id bigint not null references patrols (patrol_id),
    at bigint not null,
    lat real not null,
    lng real not null
);
create index patrol_points_patrol_idx on patrol_points (patrol_id, patrol_point_id);

alter table cases add column patrol_id bigint references patrols (patrol_id);
create index cases_patrol_idx on cases (patrol_id);
