-- Self check-in guesses per user and per client address (checkin/throttle.rs), counted in the
-- database so that every instance sees the same counts. A guess is reserved (counted) before
-- the code is compared and given back when the code was right.
create table checkin_throttle (
    throttle_key text primary key,
    window_start bigint not null,
    attempts bigint not null
);
