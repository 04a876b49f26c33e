-- Images (event covers), stored in the database so that every instance serves them and a
-- backup of the database is a backup of everything. Only the processed copy is kept: scaled
-- down, re-encoded as JPEG, without the original's metadata (phone photos carry GPS).
create table images (
    image_id integer primary key,
    sha256 text not null unique,
    content_type text not null,
    width bigint not null,
    height bigint not null,
    bytes blob not null,
    created_by bigint references users (user_id),
    created_at bigint not null
);

alter table events add column cover_image_id bigint references images (image_id);
