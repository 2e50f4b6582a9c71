-- Alert rules per application (one webhook, HMAC-signed with a sealed secret) and the alerts they raised.
create table alert_rules (
    application_id           uuid primary key references applications (id) on delete cascade,
    webhook_url              text not null,
    secret_sealed            bytea not null,
    crash_loop_restarts      int not null,
    crash_loop_window_s      int not null,
    error_rate_percent       double precision not null,
    error_rate_window_s      int not null,
    error_rate_min_requests  int not null,
    updated_at               timestamptz not null
);

create table alerts (
    id             uuid primary key,
    application_id uuid not null references applications (id) on delete cascade,
    kind           text not null check (kind in ('crash_loop', 'error_rate')),
    detail         text not null,
    fired_at       timestamptz not null,
    resolved_at    timestamptz,
    notified       text not null default 'pending'
);
-- At most one open alert of a kind per application.
create unique index alerts_open_idx on alerts (application_id, kind) where resolved_at is null;
create index alerts_app_idx on alerts (application_id, fired_at desc);
