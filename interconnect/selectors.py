"""Reads for the sync panel: every step of a bundle with its tries and messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Attempt, MessageLog

# A try's hops, in order: (from, to, what happened in between).
HOPS = (
    ("due_at", "claimed_at", _("chờ lấy")),
    ("claimed_at", "started_at", _("hàng đợi")),
    ("started_at", "answered_at", _("cơ quan")),
    ("answered_at", "recorded_at", _("ghi nhận")),
    ("recorded_at", "result_at", _("chờ kết quả")),
)


def attempt_hops(attempt: Attempt) -> list[tuple[str, int]]:
    """How long each hop of a try took, in milliseconds, where both of its ends are on record."""
    hops = []
    for start, end, label in HOPS:
        began, ended = getattr(attempt, start), getattr(attempt, end)
        if began and ended:
            hops.append((label, max(0, round((ended - began).total_seconds() * 1000))))
    return hops


def signature_to_completion(bundle) -> float | None:
    """Seconds from the leader's signature to the last agency's result, once the bundle is complete."""
    if bundle.signed_at and bundle.completed_at:
        return max(0.0, (bundle.completed_at - bundle.signed_at).total_seconds())
    return None


@dataclass
class SyncRow:
    step: object  # the core's step row, as the bundle's ``steps`` gives it
    attempts: list[Attempt]
    messages: list[MessageLog]
    seconds_in_state: float
    overdue: bool
    replayable: bool
    # The result as the page that shows the panel puts it in words: [(label, value)].
    shown_result: list[tuple[str, str]] = field(default_factory=list)


def sync_rows(bundle) -> list[SyncRow]:
    """Three queries whatever the number of steps."""
    steps = list(bundle.steps.order_by("position"))
    for step in steps:
        step.bundle = bundle  # the steps show their agency by the bundle's date and regime
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(step__bundle=bundle).order_by("started_at"):
        attempt.hops = attempt_hops(attempt)
        attempts.setdefault(attempt.step_id, []).append(attempt)
    messages: dict[int, list[MessageLog]] = {}
    for message in MessageLog.objects.filter(step__bundle=bundle).order_by("created_at", "pk"):
        messages.setdefault(message.step_id, []).append(message)
    now = timezone.now()
    return [
        SyncRow(
            step=step,
            attempts=attempts.get(step.pk, []),
            messages=messages.get(step.pk, []),
            seconds_in_state=(now - step.updated_at).total_seconds(),
            overdue=bool(step.deadline and step.state != "done" and step.deadline < now),
            replayable=step.state in ("rejected", "dead"),
        )
        for step in steps
    ]
