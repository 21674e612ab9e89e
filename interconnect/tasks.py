"""Thin tasks: the relay claims due steps in the database and hands each to a delivery task on the
delivery queue. Retries are scheduled through ``next_attempt_at``, never with countdowns, so no task
waits in a worker."""

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import services

logger = logging.getLogger("interconnect")


@shared_task(name="interconnect.tasks.relay_tick", ignore_result=True)
def relay_tick() -> int:
    claimed_at = timezone.now()
    claimed = services.relay_claim(now=claimed_at)
    for step_id, attempt in claimed:
        try:
            deliver_step.delay(step_id, attempt, claimed_at.isoformat())
        except OperationalError:
            # The broker is down: the step keeps its lease and is claimed again when it expires.
            logger.warning("interconnect.relay.enqueue_failed", extra={"step": step_id})
            break
    return len(claimed)


@shared_task(name="interconnect.tasks.deliver_step", ignore_result=True)
def deliver_step(step_id: int, attempt: int, claimed_at: str | None = None) -> str:
    # ``claimed_at`` is absent from tasks queued by an older release: their trace starts at the send.
    return services.step_deliver(
        step_id=step_id,
        attempt=attempt,
        claimed_at=datetime.fromisoformat(claimed_at) if claimed_at else None,
    )


@shared_task(name="interconnect.tasks.probe_delivery", ignore_result=True)
def probe_delivery(url: str, body_bytes: int, agency: str, counter: str) -> int:
    """The wire's ceiling: one signed POST through the relay's HTTP client, without the database."""
    return services.delivery_probe(url=url, body_bytes=body_bytes, agency=agency, counter=counter)


@shared_task(name="interconnect.tasks.reconcile", ignore_result=True)
def reconcile() -> dict:
    return services.reconcile()


def kick_relay(**_) -> None:
    """A step just became due: run the relay now instead of waiting for beat (best effort)."""
    try:
        relay_tick.apply_async(retry=False)
    except OperationalError:
        logger.warning("interconnect.relay.kick_failed")
