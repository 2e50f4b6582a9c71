-- Hot look-ups: the build log of a deployment (polled by the CLI while it builds) and a deployment's instances.
create index builds_deployment_idx on builds (deployment_id, started_at desc);
create index instances_deployment_idx on instances (deployment_id);
