# Runs once per deployment, before its instances start: a failure here keeps the live deployment serving.
set -e
psql "$DATABASE_URL" --no-psqlrc -v ON_ERROR_STOP=1 -q -c \
  "create table if not exists ticks (id bigserial primary key, worker text not null, at timestamptz not null default now())"
echo "release: table ticks ready"
