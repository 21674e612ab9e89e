"""Thin tasks: beat pulls the new dossiers and runs the status relay; each claimed message is sent by
a task on the delivery queue (it waits on the network)."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import inbound, outbound

logger = logging.getLogger("interconnect.national_portal")


def _configured() -> bool:
    config = settings.NATIONAL_PORTAL
    return bool(config["base_url"]) and timezone.localdate() >= config["from"]


@shared_task(name="national_portal.tasks.pull_dossiers", ignore_result=True)
def pull_dossiers() -> dict:
    return inbound.dossiers_pull() if _configured() else {}


@shared_task(name="national_portal.tasks.push_statuses", ignore_result=True)
def push_statuses() -> int:
    if not _configured():
        return 0
    claimed = outbound.messages_claim()
    for message_id, attempt in claimed:
        try:
            deliver_status.delay(message_id, attempt)
        except OperationalError:  # the broker is down: the lease expires and the message is claimed again
            logger.warning("national_portal.push.enqueue_failed", extra={"status_message": message_id})
            break
    return len(claimed)


@shared_task(name="national_portal.tasks.deliver_status", ignore_result=True)
def deliver_status(message_id: int, attempt: int) -> list[str]:
    return outbound.dossier_deliver(message_id=message_id, attempt=attempt)
