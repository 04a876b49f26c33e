-- Where the public sees a case: nowhere while it is a report nobody has taken on yet; after,
-- at coordinates rounded to about 50 m, unless its category is marked precise (precise = 1:
-- things of the street whose exact spot is no one's privacy, such as a manhole cover or a
-- street lamp). The back office sets the mark per category.
alter table case_categories add column precise bigint not null default 0;
