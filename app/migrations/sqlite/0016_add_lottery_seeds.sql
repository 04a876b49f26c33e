-- A lottery commits to its seed before anyone enters (bookings/lottery.rs): the server draws
-- the seed when the lottery is created and publishes SHA-256 of it, the commitment; the seed
-- itself is kept sealed with the server's key until the draw publishes it in lottery_seed.
-- The database keeps all three from changing once written.
alter table offerings add column lottery_commitment text;

create table lottery_seeds (
    offering_id bigint primary key references offerings (offering_id),
    seed_sealed text not null,
    created_at bigint not null
);

create trigger lottery_seeds_no_update before update on lottery_seeds
begin
    select raise(abort, 'a lottery seed cannot change');
end;

create trigger lottery_seeds_no_delete before delete on lottery_seeds
begin
    select raise(abort, 'a lottery seed cannot be removed');
end;

create trigger offerings_lottery_committed before insert on offerings
when new.mode = 'lottery' and new.lottery_commitment is null
begin
    select raise(abort, 'a lottery needs a committed seed');
end;

create trigger offerings_lottery_fixed before update of mode, lottery_commitment, lottery_seed on offerings
when (new.mode = 'lottery' and new.lottery_commitment is null and old.mode <> 'lottery')
    or (old.lottery_commitment is not null and new.lottery_commitment is not old.lottery_commitment)
    or (old.lottery_seed is not null and new.lottery_seed is not old.lottery_seed)
begin
    select raise(abort, 'a lottery''s commitment and seed cannot change');
end;
