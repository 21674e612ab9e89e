"""Django's PostgreSQL backend, with a cheaper health check for persistent connections.

Django checks a kept connection before each request's first query with ``SELECT 1``: a round trip
to the server and back, twice per submission. A server that ends a session (a restart, an idle
timeout, a terminated backend) sends its farewell and closes the socket, so an idle connection with
something to read has been ended or is about to be. Only then is the server asked; a silent socket
with no transaction open is taken as usable, as ``SELECT 1`` would have found it."""

from __future__ import annotations

import select

import psycopg2.extensions
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed:
            return False
        try:
            poller = select.poll()  # not select(): it fails on descriptors past 1,024
            poller.register(raw, select.POLLIN)
            readable = poller.poll(0)
        except (OSError, ValueError):
            return False
        if readable or raw.get_transaction_status() != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            return super().is_usable()
        return True
