-- Enterprise approval assistance (帮办代办).
--
-- An enterprise account is a user's application with the company's name, its unified social
-- credit code (one code, one enterprise) and a contact, approved by a district admin or
-- dispatcher (the approval grants the enterprise role). The contact's phone is stored sealed,
-- with a masked copy for display, like other personal data.
create table enterprises (
    enterprise_id integer primary key,
    name text not null,
    uscc text not null unique,
    contact_name text not null,
    contact_phone_sealed text not null,
    contact_phone_masked text not null,
    owner_user_id bigint not null unique references users (user_id),
    status text not null,
    decided_by bigint references users (user_id),
    decided_at bigint,
    decision_note text not null default '',
    created_at bigint not null,
    updated_at bigint not null
);
create index enterprises_status_idx on enterprises (status, enterprise_id);

-- The checklist of an assistance item (a case category of kind 'assist'): its steps in order,
-- the materials each needs, and how many trips to an office the step would cost the company
-- if it went alone (the visits the agent spares it).
create table assist_steps (
    assist_step_id integer primary key,
    category_id bigint not null references case_categories (category_id),
    step_no bigint not null,
    title text not null,
    materials text not null default '',
    visits bigint not null default 0,
    unique (category_id, step_no)
);

-- An assistance request is a case filed by an enterprise, worked by its assigned agent (帮办员).
alter table cases add column enterprise_id bigint references enterprises (enterprise_id);
alter table cases add column agent_user_id bigint references users (user_id);
create index cases_enterprise_idx on cases (enterprise_id, case_id);
create index cases_agent_idx on cases (agent_user_id, state, case_id);

-- Who to call about one request (the enterprise's contact unless the request names another).
create table assist_contacts (
    case_id bigint primary key references cases (case_id),
    contact_name text not null,
    contact_phone_sealed text not null,
    contact_phone_masked text not null
);

-- Progress on a case's checklist: one row per finished step, with the visits it spared as
-- they stood when it was ticked (a later edit of the step does not rewrite the record).
create table assist_progress (
    case_id bigint not null references cases (case_id),
    assist_step_id bigint not null references assist_steps (assist_step_id),
    done_at bigint not null,
    done_by bigint not null references users (user_id),
    note text not null default '',
    visits_spared bigint not null default 0,
    primary key (case_id, assist_step_id)
);
