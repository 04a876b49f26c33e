-- A check-in first reads the person's check-ins of the day (challenge, person, day). With
-- (challenge_id, day) alone, PostgreSQL's generic plan for that read — built before the
-- check-ins table had statistics, as on a new install's first morning — chose this index and
-- filtered every check-in of the day by person: 1.7 ms and ~300 buffers a check-in, the first
-- rush at half speed. With the person in it, any plan this index gives is a direct lookup; the
-- teams' board of one day still finds the day's check-ins by its first two columns.
drop index challenge_checkins_day_idx;
create index challenge_checkins_day_idx on challenge_checkins (challenge_id, day, user_id);
