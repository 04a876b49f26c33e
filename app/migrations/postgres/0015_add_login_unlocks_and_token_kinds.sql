-- Issue 9: what login throttling, token lists and feed rotation need.
--
-- A phone locked by wrong passwords can be unlocked by its owner with a texted code
-- (verifications.purpose = 'unlock'). The proof is a short-lived cookie whose SHA-256 is kept
-- here, tied to the phone it unlocked; it lets that browser try the phone's password on its
-- own small budget while the phone's lock holds against everyone else.
create table login_unlocks (
    unlock_hash text primary key,
    phone_index text not null,
    created_at bigint not null,
    expires_at bigint not null
);
create index login_unlocks_expires_idx on login_unlocks (expires_at);

-- API tokens end with a password change, unless an admin made them as long-lived service
-- tokens (1); those end only when revoked.
alter table api_tokens add column long_lived bigint not null default 0;
create index api_tokens_user_idx on api_tokens (user_id);

-- The private calendar feed URL is a MAC over the user and this number: rotating the URL
-- bumps it, and every earlier URL stops working.
alter table users add column feed_generation bigint not null default 0;
