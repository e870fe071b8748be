#!/bin/sh
# Creates (first start) or upgrades (later starts) Temporal's two PostgreSQL databases, with the
# temporal-sql-tool of the temporalio/admin-tools image. Runs once per `docker compose up`, before
# the server starts. Environment: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }
schemas=/etc/temporal/schema/postgresql/v12

echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$DB_PORT"
i=0
until nc -z "$POSTGRES_SEEDS" "$DB_PORT"; do
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
