-- A dispatcher reviews a case's photos before the public board shows any: a reviewed photo
-- (reviewed = 1) is served at the board's URL while its case's category is public. Who
-- decided and when are kept for the last decision either way.
alter table case_photos add column reviewed bigint not null default 0;
alter table case_photos add column reviewed_by bigint references users (user_id);
alter table case_photos add column reviewed_at bigint;
create index case_photos_reviewed_idx on case_photos (case_id, reviewed);
