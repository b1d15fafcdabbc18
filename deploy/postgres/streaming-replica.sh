#!/bin/sh
# A hot standby of $PRIMARY_HOST for reads: cloned once with pg_basebackup (-R writes the standby
# settings, so the server streams from the primary from then on), then run as postgres.
# PGPASSWORD is the primary's password.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chown postgres "$PGDATA"
  chmod 700 "$PGDATA"
  until gosu postgres pg_basebackup -h "$PRIMARY_HOST" -U postgres -D "$PGDATA" -R -X stream; do
    echo "waiting for $PRIMARY_HOST to accept a base backup"
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
fi
exec gosu postgres postgres -c hot_standby=on
