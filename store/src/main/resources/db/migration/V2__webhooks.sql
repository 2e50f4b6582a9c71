-- Git-driven deployments (issue 4): an application linked to a forge repository, and the webhook deliveries it received.

-- The secret that signs the forge's webhooks and the token that reads a private repository: AES-GCM ciphertexts like
-- env_vars.value_enc, never returned by the API. repository_key is the normalised URL (host/path, lowercase, no .git)
-- a webhook's payload is matched against; the URL itself stays in applications.git_repository.
create table repository_links (
    application_id      uuid primary key references applications (id) on delete cascade,
    repository_key      text not null,
    webhook_secret_enc  bytea not null,
    access_token_enc    bytea,
    updated_at          timestamptz not null default now()
);
create index repository_links_key_idx on repository_links (repository_key);

-- Only deliveries that passed the signature check are recorded. The unique key is what makes a redelivery (the forge's
-- retry, or a replay) a duplicate: claimed by insert, so two concurrent copies cannot both deploy.
create table webhook_deliveries (
    id              uuid primary key,
    application_id  uuid not null references applications (id) on delete cascade,
    forge           text not null check (forge in ('github', 'gitlab', 'bitbucket')),
    event           text not null,
    delivery_id     text not null,
    outcome         text not null check (outcome in ('received', 'deployed', 'ignored', 'pong', 'failed')),
    reason          text,
    deployment_id   uuid references deployments (id) on delete set null,
    received_at     timestamptz not null,
    unique (application_id, forge, delivery_id)
);
create index webhook_deliveries_app_idx on webhook_deliveries (application_id, received_at desc);
