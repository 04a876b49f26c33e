-- Nothing for SQLite: on a SQLite file bookings already commit in groups on the writer
-- thread (db/writer.rs); PostgreSQL's counterpart is the function book_batch.
select 1;
