-- Outgoing webhooks per application for deployment events, signed with a sealed secret; the last outcome is kept.
create table notification_hooks (
    id              uuid primary key,
    application_id  uuid not null references applications (id) on delete cascade,
    url             text not null,
    secret_sealed   bytea not null,
    events          text[] not null,
    created_at      timestamptz not null,
    last_event      text,
    last_outcome    text,
    last_at         timestamptz
);
create index notification_hooks_app_idx on notification_hooks (application_id);
