#!/bin/sh
# Run once by the postgres image when it creates its data folder: the replica (docker-compose's
# `postgres-replica`, profile `replica`) may stream from this server with the portal's password.
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
