"""The status messages go out in order per dossier: only a dossier's oldest undelivered message may be
claimed (SKIP LOCKED, with a lease, as the steps are), retried with backoff, and the next one follows
once it is delivered. The portal may be told the same message twice (a lease that expired mid-send):
its key (dossier code + status + time) makes the second one harmless."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from interconnect.services import backoff_delay
from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream

from .clients import PortalClient, PortalRefused, PortalUnavailable
from .models import MessageState, StatusMessage
from .styles import portal_client

logger = logging.getLogger("interconnect.national_portal")


def _setting(name: str):
    return settings.NATIONAL_PORTAL[name]


def messages_claim(
    *, now: datetime | None = None, limit: int | None = None, dossier_code: str | None = None
) -> list[tuple[int, int]]:
    """The head of each dossier's queue that is due (or whose lease expired), claimed for sending; of
    one dossier only when named. Returns (message id, attempt) pairs; the attempt fences a stale
    sender's late report."""
    now = now or timezone.now()
    earlier_undelivered = StatusMessage.objects.filter(
        dossier_code=OuterRef("dossier_code"), seq__lt=OuterRef("seq")
    ).exclude(state=MessageState.DELIVERED)
    with transaction.atomic():
        due = (
            StatusMessage.objects.select_for_update(skip_locked=True)
            .filter(
                Q(state=MessageState.PENDING, next_attempt_at__lte=now)
                | Q(state=MessageState.SENDING, lease_until__lt=now)
            )
            .filter(~Exists(earlier_undelivered), **({"dossier_code": dossier_code} if dossier_code else {}))
            .order_by("next_attempt_at", "pk")[: limit or _setting("batch")]
        )
        claimed = []
        for message in due:
            message.state, message.attempts = MessageState.SENDING, message.attempts + 1
            message.lease_until = now + timedelta(seconds=_setting("lease_seconds"))
            message.save(update_fields=["state", "attempts", "lease_until"])
            claimed.append((message.pk, message.attempts))
    return claimed


def _settle(message_id: int, attempt: int, **fields) -> bool:
    """Record the outcome unless another claim has taken the message since (fenced by attempt)."""
    return bool(
        StatusMessage.objects.filter(pk=message_id, state=MessageState.SENDING, attempts=attempt).update(
            lease_until=None, **fields
        )
    )


def message_deliver(*, message_id: int, attempt: int, client: PortalClient | None = None) -> str:
    message = StatusMessage.objects.get(pk=message_id)
    if message.state != MessageState.SENDING or message.attempts != attempt:
        return "stale"
    try:
        answer = (client or portal_client()).push(message={**message.payload, "key": message.idempotency_key})
    except PortalUnavailable as exc:
        if attempt >= _setting("max_attempts"):
            _settle(message_id, attempt, state=MessageState.DEAD, last_error=str(exc)[:1000])
            return "dead"
        later = timezone.now() + timedelta(
            seconds=backoff_delay(attempt, base=_setting("backoff_base"), cap=_setting("backoff_cap"))
        )
        _settle(
            message_id, attempt, state=MessageState.PENDING, next_attempt_at=later, last_error=str(exc)[:1000]
        )
        return "retry"
    except PortalRefused as exc:
        # A person must look (a mapping the portal does not take, a login refused): replayed by hand.
        _settle(message_id, attempt, state=MessageState.DEAD, last_error=str(exc)[:1000])
        logger.warning(
            "national_portal.message.refused", extra={"status_message": message_id, "error": str(exc)[:200]}
        )
        return "dead"
    _settle(
        message_id,
        attempt,
        state=MessageState.DELIVERED,
        delivered_at=timezone.now(),
        last_error=answer.detail[:1000],
    )
    return "delivered"


def dossier_deliver(*, message_id: int, attempt: int, client: PortalClient | None = None) -> list[str]:
    """Send a claimed message and then, while they are delivered, the ones that follow it in its
    dossier (claimed one by one, as the relay would): a dossier's changes go out back to back without
    waiting for the relay's next round. Returns each send's outcome."""
    dossier = StatusMessage.objects.filter(pk=message_id).values_list("dossier_code", flat=True).first()
    outcomes = [message_deliver(message_id=message_id, attempt=attempt, client=client)]
    while outcomes[-1] == "delivered" and len(outcomes) < _setting("batch"):
        following = messages_claim(dossier_code=dossier, limit=1)
        if not following:
            break
        ((next_id, next_attempt),) = following
        outcomes.append(message_deliver(message_id=next_id, attempt=next_attempt, client=client))
    return outcomes


def messages_replay(*, bundle_id: int | None = None) -> int:
    """Send the dead messages again (of one bundle, or all), once their cause is fixed; the ones after
    them in each dossier follow in order."""
    dead = StatusMessage.objects.filter(state=MessageState.DEAD)
    if bundle_id is not None:
        dead = dead.filter(bundle_id=bundle_id)
    return dead.update(state=MessageState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")


@transaction.atomic
def dossier_messages_replay(*, bundle, actor) -> int:
    """A clerk sends the bundle's failed status messages again; recorded on the bundle's trail."""
    replayed = messages_replay(bundle_id=bundle.pk)
    if replayed:
        audit_record(
            stream=bundle_stream(bundle),
            action="national_portal.replayed",
            actor=actor,
            object_type="bundle",
            object_id=bundle.code or bundle.public_id,
            data={"messages": replayed},
        )
    return replayed
