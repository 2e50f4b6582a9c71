-- Regions of an environment rolled back to another deployment than its live one (a rollback scoped to regions). A
-- release or a full rollback of the environment clears them: it goes to every region.
create table environment_regions (
    environment_id  uuid        not null references environments(id) on delete cascade,
    region          text        not null,
    deployment_id   uuid        not null references deployments(id) on delete cascade,
    rolled_back_at  timestamptz not null,
    primary key (environment_id, region)
);
