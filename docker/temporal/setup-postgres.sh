#!/bin/sh
# Creates (first start) or upgrades (later starts) Temporal's two PostgreSQL databases with
# temporal-sql-tool. docker-compose.yml runs it once per `docker compose up`, before the server
# starts, in the temporalio/admin-tools image; outside a container (docs/deploy.md, and the test
# harness test/integration/helpers/topology.ts) it runs the same way, with temporal-sql-tool on
# PATH and TEMPORAL_SCHEMA_DIR naming the schema folder of the server's source (scripts/setup.sh
# copies it to .cache/temporal-server/schema).
# Environment: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD, TEMPORAL_SCHEMA_DIR
# (default /etc/temporal/schema, the image's).
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }
schemas=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}/postgresql/v12
[ -d "$schemas" ] || { echo "no PostgreSQL schemas in $schemas (set TEMPORAL_SCHEMA_DIR)" >&2; exit 1; }

# The image has nc; a host with PostgreSQL's client tools has pg_isready.
listening() {
  if command -v nc >/dev/null 2>&1; then nc -z "$POSTGRES_SEEDS" "$DB_PORT"
  else pg_isready -q -h "$POSTGRES_SEEDS" -p "$DB_PORT"; fi
}
echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$DB_PORT"
i=0
until listening; do
  i=$((i + 1)); [ "$i" -lt 60 ] || { echo "PostgreSQL did not come up" >&2; exit 1; }
  sleep 1
done

for db in temporal temporal_visibility; do
  case $db in temporal) dir=$schemas/temporal/versioned ;; *) dir=$schemas/visibility/versioned ;; esac
  # On a later start the database and its version table exist and these two report so; the
  # update below is the step that must succeed either way (it fails if the schema is unusable).
  tool --db "$db" create || echo "database $db exists"
  tool --db "$db" setup-schema -v 0.0 || echo "schema of $db is already versioned"
  tool --db "$db" update-schema -d "$dir"
done
echo "Temporal's PostgreSQL schemas are up to date"
