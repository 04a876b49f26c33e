-- Photos of cases: what the reporter or inspector saw, and the department's after-photo.
-- Their images are private (public = 0): served only to the parties to the case, never at
-- the public /images URL that event covers use.
alter table images add column public bigint not null default 1;

create table case_photos (
    case_photo_id integer primary key,
    case_id bigint not null references cases (case_id),
    image_id bigint not null references images (image_id),
    kind text not null,
    created_by bigint references users (user_id),
    created_at bigint not null
);
create index case_photos_case_idx on case_photos (case_id, case_photo_id);
