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

create function lottery_seeds_fixed() returns trigger language plpgsql as $$
begin
    raise exception 'a lottery seed cannot change or be removed';
end;
$$;

create trigger lottery_seeds_fixed before update or delete on lottery_seeds
for each row execute function lottery_seeds_fixed();

create function offerings_lottery_fixed() returns trigger language plpgsql as $$
begin
    if new.mode = 'lottery' and new.lottery_commitment is null
        and (tg_op = 'INSERT' or old.mode <> 'lottery') then
        raise exception 'a lottery needs a committed seed';
    end if;
    if tg_op = 'UPDATE'
        and ((old.lottery_commitment is not null and new.lottery_commitment is distinct from old.lottery_commitment)
            or (old.lottery_seed is not null and new.lottery_seed is distinct from old.lottery_seed)) then
        raise exception 'a lottery''s commitment and seed cannot change';
    end if;
    return new;
end;
$$;

create trigger offerings_lottery_committed before insert on offerings
for each row when (new.mode = 'lottery') execute function offerings_lottery_fixed();

create trigger offerings_lottery_fixed before update of mode, lottery_commitment, lottery_seed on offerings
for each row execute function offerings_lottery_fixed();
