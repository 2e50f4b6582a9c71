-- The event bus over the store's `events` outbox. Applied after the store's migrations (it needs `events`), with its own
-- history table, bus_schema_history. Rows of `events` are written by the store's repositories and by
-- TransactionalEventBus.publish(Handle, Event), always inside the transaction of the state change they describe.

-- Events up to `horizon` were written before the bus existed: they are history, never delivered nor relayed, so
-- installing the bus on a running platform does not replay old deployments.
create table bus_settings (
    horizon  bigint not null
);
insert into bus_settings (horizon) select coalesce(max(id), 0) from events;

-- A durable consumer. A new one starts at the horizon; `types` filters the events fanned out to it.
create table bus_consumers (
    name        text primary key,
    types       text[] not null,
    created_at  timestamptz not null default now()
);

-- What each consumer still owes: one row per (consumer, event), deleted on acknowledgement. Subscribers claim rows with
-- FOR UPDATE SKIP LOCKED and hold them by lease; `ordering_key` (the deployment id) keeps one deployment's events in order.
create table bus_deliveries (
    consumer         text not null references bus_consumers (name) on delete cascade,
    event_id         bigint not null references events (id) on delete cascade,
    ordering_key     uuid not null,
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    leased_by        uuid,
    leased_until     timestamptz,
    last_error       text,
    primary key (consumer, event_id)
);
create index bus_deliveries_order_idx on bus_deliveries (consumer, ordering_key, event_id);
-- Heartbeats and releases find a subscriber's rows without scanning the backlog.
create index bus_deliveries_leased_idx on bus_deliveries (leased_by) where leased_by is not null;

create table bus_dead_letters (
    consumer    text not null,
    event_id    bigint not null references events (id) on delete cascade,
    attempts    integer not null,
    last_error  text not null,
    dead_at     timestamptz not null default now(),
    primary key (consumer, event_id)
);

-- The idempotency guard: a handler inserts (consumer, event) in the transaction of its effect; a second delivery finds it.
create table bus_processed (
    consumer      text not null,
    event_id      bigint not null,
    processed_at  timestamptz not null default now(),
    primary key (consumer, event_id)
);

-- The NATS relay reads what is not yet published, in id order.
create index bus_events_unpublished_idx on events (id) where published_at is null;

-- Fan-out in the publishing transaction itself: a delivery row exists iff its event committed, whatever wrote it, and
-- no cursor can skip an event whose id was taken before a later one committed. The notification is sent at commit.
create function bus_fan_out() returns trigger language plpgsql as $$
begin
    insert into bus_deliveries (consumer, event_id, ordering_key)
    select c.name, i.id, coalesce(i.deployment_id, '00000000-0000-0000-0000-000000000000'::uuid)
    from inserted i
    join bus_consumers c on i.type = any (c.types);
    perform pg_notify('helix_bus', '');
    return null;
end
$$;

create trigger bus_fan_out after insert on events
    referencing new table as inserted
    for each statement execute function bus_fan_out();
