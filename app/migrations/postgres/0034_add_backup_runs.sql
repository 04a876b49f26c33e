-- Scheduled backups (issue 14): one row per period of `backup_every_hours`, inserted by the
-- instance that takes that period's backup — the primary key lets only one of several
-- instances insert it — and completed with where the backup went, or why it failed (for
-- operators; never shown to users).
create table backup_runs (
    period_start bigint primary key,
    started_at bigint not null,
    finished_at bigint,
    location text,
    error text
);
