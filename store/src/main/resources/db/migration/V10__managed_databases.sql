-- Databases HelixStack created for applications in its managed PostgreSQL cluster, one per (application, environment,
-- manifest database). Production's persist; a preview's are dropped with the preview.
create table managed_databases (
    application_id uuid        not null references applications (id) on delete cascade,
    environment    text        not null,
    name           text        not null,
    database_name  text        not null unique,
    created_at     timestamptz not null,
    primary key (application_id, environment, name)
);
