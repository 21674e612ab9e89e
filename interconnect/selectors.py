"""Reads for the sync panel: every step of a bundle with its tries and messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from .models import Attempt, MessageLog


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
