-- Who called the hotline (12345) about a case, when staff took the call down for them.
--
-- The phone is personal data: stored sealed (XChaCha20-Poly1305, see crypto.rs), shown masked,
-- with a keyed blind index — the same one accounts use — so calls can be found by number (and
-- joined to the caller's account should they register later) without the number in clear.
-- A caller who already has an account is also the case's reporter (cases.reporter_user_id).
create table case_callers (
    case_id bigint primary key references cases (case_id),
    name text not null,
    phone_index text not null,
    phone_sealed text not null,
    phone_masked text not null,
    wants_reply bigint not null default 0,
    taken_by bigint not null references users (user_id),
    created_at bigint not null
);
create index case_callers_phone_idx on case_callers (phone_index);
