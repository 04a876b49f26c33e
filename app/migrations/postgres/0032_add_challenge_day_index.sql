-- The teams' board of one day (issue 13) sums the day's check-ins of a challenge: found by
-- challenge and day rather than by scanning every check-in of the challenge.
create index challenge_checkins_day_idx on challenge_checkins (challenge_id, day);
