-- Staff hear of the work waiting for them (issue 12, point 2). A case reaching a queue leaves a
-- notice in the inbox of every member of staff whose grants cover it; those who ask for it get
-- a daily text with the counts of their queues. `digest_sent_on` is the district-local date
-- (YYYY-MM-DD) of the last digest: the job claims a person by moving it to today, so several
-- instances text each person at most once a day.
alter table users add column staff_digest bigint not null default 0;
alter table users add column digest_sent_on text;

-- Who works a queue: the grants of one role, in one street, community or department.
create index role_grants_role_idx on role_grants (role, scope_kind, scope_id);

-- The unread count in the header, on every signed-in page: counted from the unread notices
-- alone, however long the inbox grows.
create index notifications_unread_idx on notifications (user_id) where read_at is null;
