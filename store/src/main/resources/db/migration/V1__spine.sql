-- The Helios data model (seed 004 §5) plus what the spine needs: environments, artifacts, builds and their logs,
-- instances, hashed API tokens and the events outbox.

create table teams (
    id          uuid primary key,
    name        text not null unique,
    created_at  timestamptz not null default now()
);

create table users (
    id            uuid primary key,
    email         text not null unique,
    password_hash text,
    created_at    timestamptz not null default now()
);

create table team_members (
    team_id  uuid not null references teams (id) on delete cascade,
    user_id  uuid not null references users (id) on delete cascade,
    role     text not null check (role in ('owner', 'admin', 'developer', 'viewer')),
    primary key (team_id, user_id)
);

-- Only the sha256 of a token is kept; the token itself is shown once.
create table api_tokens (
    id            uuid primary key,
    name          text not null,
    token_sha256  text not null unique,
    team_id       uuid not null references teams (id) on delete cascade,
    user_id       uuid references users (id) on delete cascade,
    role          text not null check (role in ('owner', 'admin', 'developer', 'viewer')),
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz
);

create table projects (
    id          uuid primary key,
    team_id     uuid not null references teams (id),
    name        text not null,
    created_at  timestamptz not null default now(),
    unique (team_id, name)
);

-- Names are unique platform-wide: each is a host name, <name>.<base-domain>.
create table applications (
    id               uuid primary key,
    project_id       uuid not null references projects (id),
    name             text not null unique,
    git_repository   text,
    git_branch       text,
    current_backend  text not null default 'local',
    health_path      text not null default '/',
    created_at       timestamptz not null default now()
);

create table environments (
    id                  uuid primary key,
    application_id      uuid not null references applications (id) on delete cascade,
    name                text not null,
    live_deployment_id  uuid,
    created_at          timestamptz not null default now(),
    unique (application_id, name)
);

-- Values are AES-GCM ciphertexts (nonce || ciphertext+tag); the key lives under HELIX_HOME, not in the database.
create table env_vars (
    environment_id  uuid not null references environments (id) on delete cascade,
    key             text not null,
    value_enc       bytea not null,
    updated_at      timestamptz not null default now(),
    primary key (environment_id, key)
);

create table artifacts (
    digest         text primary key,
    buildpack      text not null,
    kind           text not null check (kind in ('static', 'server')),
    start_command  text,
    static_root    text,
    metadata       jsonb not null,
    created_at     timestamptz not null default now()
);

create table deployments (
    id               uuid primary key,
    application_id   uuid not null references applications (id) on delete cascade,
    environment_id   uuid not null references environments (id) on delete cascade,
    number           integer not null,
    state            text not null check (state in ('queued', 'building', 'built', 'deploying', 'live', 'superseded',
                                                    'rolled_back', 'failed')),
    source           jsonb not null,
    trigger          text not null,
    artifact_digest  text references artifacts (digest),
    failure_reason   text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    unique (environment_id, number)
);
create index deployments_app_idx on deployments (application_id, created_at desc);

alter table environments
    add constraint environments_live_fk foreign key (live_deployment_id) references deployments (id) on delete set null;

create table builds (
    id               uuid primary key,
    deployment_id    uuid not null references deployments (id) on delete cascade,
    state            text not null check (state in ('running', 'succeeded', 'failed')),
    artifact_digest  text references artifacts (digest),
    failure_reason   text,
    started_at       timestamptz not null default now(),
    finished_at      timestamptz
);

create table build_log_lines (
    build_id  uuid not null references builds (id) on delete cascade,
    seq       integer not null,
    at        timestamptz not null,
    line      text not null,
    primary key (build_id, seq)
);

create table instances (
    id             text primary key,
    deployment_id  uuid not null references deployments (id) on delete cascade,
    service        text not null,
    host           text not null,
    port           integer not null,
    state          text not null check (state in ('running', 'stopped')),
    started_at     timestamptz not null default now(),
    stopped_at     timestamptz
);

create table runtime_log_lines (
    seq             bigserial primary key,
    application_id  uuid not null references applications (id) on delete cascade,
    deployment_id   uuid not null,
    source          text not null,
    stream          text not null,
    at              timestamptz not null,
    line            text not null
);
create index runtime_log_lines_app_idx on runtime_log_lines (application_id, seq);

-- The outbox: every state change writes its event in the same transaction.
create table events (
    id             bigserial primary key,
    type           text not null,
    deployment_id  uuid,
    payload        jsonb not null,
    created_at     timestamptz not null default now(),
    published_at   timestamptz
);
