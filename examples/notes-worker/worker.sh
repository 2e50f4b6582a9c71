# The worker: records a tick in the shared database every half second.
echo "worker $HELIX_INSTANCE_ID started"
while true; do
  psql "$DATABASE_URL" --no-psqlrc -q -c "insert into ticks (worker) values ('$HELIX_INSTANCE_ID')" || echo "insert failed" >&2
  sleep 0.5
done
