-- Public keys allowed to push over SSH, per team (git push ssh://git@host:2222/<app>.git).
create table ssh_keys (
    id           uuid primary key,
    team_id      uuid not null references teams (id) on delete cascade,
    name         text not null,
    public_key   text not null,
    fingerprint  text not null unique,
    created_at   timestamptz not null,
    last_used_at timestamptz
);
