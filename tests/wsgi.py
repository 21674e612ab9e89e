"""Calling the WSGI application directly, as a server would, inside a test's transaction."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@contextmanager
def keeping_the_test_connection():
    """The WSGI handler closes the database connection around each request; the test's transaction
    must outlive them, as Django's test client arranges for its own requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
