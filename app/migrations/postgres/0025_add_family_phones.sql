-- Issue 12: a family member may have their own phone, proved by a texted code, so that the
-- reminder of a booking made for them reaches the person who attends. Like users' numbers it
-- is kept sealed with the installation's key, with a masked form to show; it is set only once
-- its code was entered.
alter table people add column phone_sealed text;
alter table people add column phone_masked text;
alter table people add column phone_verified_at bigint;

-- The code texted to a number being added: one per person (a new one replaces it), kept only
-- as a salted hash, good for ten minutes and five guesses, deleted once used.
create table person_phone_codes (
    person_id bigint primary key references people (person_id),
    phone_sealed text not null,
    phone_masked text not null,
    salt text not null,
    code_hash text not null,
    attempts bigint not null default 0,
    created_at bigint not null,
    expires_at bigint not null
);
