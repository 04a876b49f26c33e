-- Family members can be removed (issue 12, point 11). A removed person keeps their row, marked:
-- past bookings still name who attended, and the audit log its object; lists, booking and the
-- person's page leave them out.
alter table people add column removed_at bigint;
