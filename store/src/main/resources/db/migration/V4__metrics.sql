-- Per-deployment samples of the proxy's request metrics and the instances' CPU and memory (see MetricPoint).
-- Counters and histograms are deltas over [start_at, at); gauges are readings at `at`.
create table metric_points (
    id             bigint generated always as identity primary key,
    application_id uuid not null references applications (id) on delete cascade,
    deployment_id  uuid not null references deployments (id) on delete cascade,
    name           text not null,
    kind           text not null check (kind in ('counter', 'gauge', 'histogram')),
    unit           text not null,
    attributes     jsonb not null default '{}',
    start_at       timestamptz not null,
    at             timestamptz not null,
    value          double precision not null,
    bounds         double precision[],
    counts         bigint[]
);
create index metric_points_app_at_idx on metric_points (application_id, at);
create index metric_points_deployment_idx on metric_points (deployment_id, id);
