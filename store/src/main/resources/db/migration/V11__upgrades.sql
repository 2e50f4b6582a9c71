-- Moving an application to a cluster (POST /applications/{app}/upgrade). Settings and the cluster's connection hold
-- secrets (a kubeconfig, an API token): both are sealed with the platform key.
create table upgrades (
    id             uuid        primary key,
    application_id uuid        not null references applications (id) on delete cascade,
    deployment_id  uuid        not null references deployments (id),
    provider       text        not null,
    region         text,
    node_count     int         not null,
    node_size      text,
    settings       bytea       not null,
    state          text        not null check (state in ('requested', 'deploying', 'completed', 'failed')),
    reason         text,
    cluster_id     text,
    backend        text,
    cluster        bytea,
    created_at     timestamptz not null,
    finished_at    timestamptz
);
create index upgrades_application on upgrades (application_id, created_at desc);
-- One upgrade at a time per application.
create unique index upgrades_one_running on upgrades (application_id) where state in ('requested', 'deploying');
