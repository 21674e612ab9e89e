"""A kept database connection is checked before each request's first query without a round trip:
a silent idle socket is usable; a session the server ended is found out and replaced before the next
request's first query."""

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server_asked(monkeypatch):
    """The times the check fell back to asking the server (Django's SELECT 1)."""
    asked = []
    real = DjangoWrapper.is_usable
    monkeypatch.setattr(DjangoWrapper, "is_usable", lambda self: asked.append(1) or real(self))
    return asked


def terminate_own_backend() -> None:
    pid = connection.connection.get_backend_pid()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def usable_within(seconds: float) -> bool:
    """The server's farewell takes a moment to arrive: the answer once it has, or after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not connection.is_usable():
            return False
        time.sleep(0.02)
    return True


def test_an_idle_connection_is_usable_without_asking_the_server(server_asked):
    connection.ensure_connection()
    assert type(connections["default"]).__module__ == "portal.common.postgresql.base"
    assert connection.is_usable() is True
    assert server_asked == []


def test_a_connection_in_a_transaction_is_checked_by_the_server(server_asked):
    connection.ensure_connection()
    connection.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert connection.is_usable() is True
        assert server_asked == [1]
    finally:
        connection.rollback()
        connection.set_autocommit(True)


@pytest.fixture
def kept_connections():
    """Connections kept between requests and checked, as in production (the tests' own settings
    close them after each request)."""
    saved = {k: connection.settings_dict[k] for k in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.settings_dict.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    connection.close()
    yield
    connection.close()
    connection.settings_dict.update(saved)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_kept_connection_serves_request_after_request_without_a_check_query(kept_connections, server_asked):
    first = backend_pid()
    for _ in range(3):
        connection.close_if_unusable_or_obsolete()  # what the start of each request does
        assert backend_pid() == first
    assert server_asked == []


def test_a_session_the_server_ended_is_found_out_and_replaced(kept_connections, server_asked):
    first = backend_pid()
    terminate_own_backend()
    assert usable_within(2.0) is False
    assert server_asked  # the socket had something to say, so the server was asked
    # The next request: its health check replaces the connection before the first query.
    connection.close_if_unusable_or_obsolete()
    assert backend_pid() != first
