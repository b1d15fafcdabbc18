#!/bin/sh
# First-run init of a primary (docker-entrypoint-initdb.d): its streaming replica may connect for
# replication with the same password as everything else on this network.
set -eu
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
