"""Reads of the connector for the case page, the sync-health dashboard and /readyz."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from .mapping import STATUS_NAMES
from .models import ConnectorRun, InboundDossier, MessageState, StatusMessage

PULL = "pull"


@dataclass(frozen=True)
class ConnectorHealth:
    waiting: int  # messages not yet delivered
    dead: int  # messages that need a person
    oldest_waiting: datetime | None  # the change the oldest undelivered message reports
    last_delivered_at: datetime | None
    last_pull: ConnectorRun | None
    refused_dossiers: int

    def lag_seconds(self, now: datetime) -> float | None:
        return (now - self.oldest_waiting).total_seconds() if self.oldest_waiting else None


def connector_health(*, wards=None) -> ConnectorHealth:
    """Two aggregate reads and one row, whatever the number of messages; ``wards`` is a list of ward
    codes or a subquery of them (None: everywhere)."""
    messages = (
        StatusMessage.objects.all() if wards is None else StatusMessage.objects.filter(ward_id__in=wards)
    )
    open_states = (MessageState.PENDING, MessageState.SENDING)
    figures = messages.aggregate(
        waiting=Count("pk", filter=Q(state__in=open_states)),
        dead=Count("pk", filter=Q(state=MessageState.DEAD)),
        oldest=Min("occurred_at", filter=Q(state__in=open_states)),
        delivered=Max("delivered_at"),
    )
    dossiers = (
        InboundDossier.objects.all() if wards is None else InboundDossier.objects.filter(ward_id__in=wards)
    )
    return ConnectorHealth(
        waiting=figures["waiting"],
        dead=figures["dead"],
        oldest_waiting=figures["oldest"],
        last_delivered_at=figures["delivered"],
        last_pull=ConnectorRun.objects.filter(name=PULL).first(),
        refused_dossiers=dossiers.filter(outcome="refused").count(),
    )


@dataclass(frozen=True)
class DossierSync:
    code: str
    inbound: InboundDossier | None
    messages: list[StatusMessage]

    @property
    def replayable(self) -> bool:
        return any(m.state == MessageState.DEAD for m in self.messages)


def dossier_sync(bundle) -> DossierSync | None:
    """The bundle's messages to the national portal, in order, with each status's name."""
    inbound = InboundDossier.objects.filter(bundle_id=bundle.pk).first()
    messages = list(StatusMessage.objects.filter(bundle_id=bundle.pk).order_by("seq"))
    if inbound is None and not messages:
        return None
    for message in messages:
        message.status_name = STATUS_NAMES.get(message.status, "")
        # From the change to the portal's receipt: what the index measures as synchronisation.
        message.lag_seconds = (
            (message.delivered_at - message.occurred_at).total_seconds() if message.delivered_at else None
        )
    return DossierSync(
        code=inbound.code if inbound else bundle.code or "", inbound=inbound, messages=messages
    )


def stalled(*, now: datetime) -> str | None:
    """Why /readyz calls the connector stalled, or None."""
    config = settings.NATIONAL_PORTAL
    if timezone.localdate(now) < config["from"] or not config["provinces"]:
        return None
    if not config["base_url"]:
        since = f"{config['from']:%d/%m/%Y}"
        return f"national portal connector due since {since} but NATIONAL_PORTAL_URL is not set"
    health = connector_health()
    lag = health.lag_seconds(now)
    if lag is not None and lag > config["stall_seconds"]:
        return f"national portal connector stalled: a status message has waited {int(lag)} s"
    if health.dead:
        return f"national portal connector: {health.dead} status messages could not be delivered"
    pull = health.last_pull
    since = (now - (pull.succeeded_at or pull.at)).total_seconds() if pull else 0.0
    if since > config["stall_seconds"]:
        return f"national portal connector: no successful pull for {int(since)} s"
    return None
