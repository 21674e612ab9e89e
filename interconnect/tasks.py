"""Thin tasks: the relay claims due steps in the database and hands each to a delivery task. Retries
are scheduled through ``next_attempt_at``, never with countdowns, so no task waits in a worker."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from . import services

logger = logging.getLogger("interconnect")


@shared_task(name="interconnect.tasks.relay_tick", ignore_result=True)
def relay_tick() -> int:
    claimed = services.relay_claim()
    for step_id, attempt in claimed:
        try:
            deliver_step.delay(step_id, attempt)
        except OperationalError:
            # The broker is down: the step keeps its lease and is claimed again when it expires.
            logger.warning("interconnect.relay.enqueue_failed", extra={"step": step_id})
            break
    return len(claimed)


@shared_task(name="interconnect.tasks.deliver_step", ignore_result=True)
def deliver_step(step_id: int, attempt: int) -> str:
    return services.step_deliver(step_id=step_id, attempt=attempt)


@shared_task(name="interconnect.tasks.reconcile", ignore_result=True)
def reconcile() -> dict:
    return services.reconcile()


def kick_relay(**_) -> None:
    """A step just became due: run the relay now instead of waiting for beat (best effort)."""
    try:
        relay_tick.apply_async(retry=False)
    except OperationalError:
        logger.warning("interconnect.relay.kick_failed")
