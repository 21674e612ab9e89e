"""What /readyz checks: the database answers, the broker accepts a connection, and beat's heartbeat
(run by a worker) reached the database recently."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from portal.celery import app

from .models import Heartbeat
from .tasks import BEAT


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"database unreachable: {exc.__class__.__name__}"
    return None


def check_broker() -> str | None:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001 - any transport error means "not ready"
        return f"broker unreachable: {exc.__class__.__name__}"
    return None


def check_beat() -> str | None:
    try:
        beat = Heartbeat.objects.filter(name=BEAT).values_list("beat_at", flat=True).first()
    except DatabaseError:
        return "beat heartbeat unknown: database unreachable"
    if beat is None:
        return "no beat heartbeat yet"
    age = (timezone.now() - beat).total_seconds()
    if age > settings.HEARTBEAT_STALE_SECONDS:
        return f"beat heartbeat is {int(age)} s old"
    return None


def check_relay() -> str | None:
    """A due step that has waited too long means the relay (or every worker) is stuck."""
    from registrations.selectors import oldest_due_step_since

    try:
        oldest = oldest_due_step_since(timezone.now())
    except DatabaseError:
        return "relay unknown: database unreachable"
    if oldest is None:
        return None
    lag = (timezone.now() - oldest).total_seconds()
    if lag > settings.INTERCONNECT["stall_seconds"]:
        return f"relay stalled: a due step has waited {int(lag)} s"
    return None


def check_national_portal() -> str | None:
    """Status messages the national portal has not received for too long, or pulls that fail."""
    from interconnect.national_portal.selectors import stalled

    try:
        return stalled(now=timezone.now())
    except DatabaseError:
        return "national portal connector unknown: database unreachable"


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "beat": check_beat,
    "relay": check_relay,
    "national_portal": check_national_portal,
}
