"""Keep the roll-ups in step with every change of a bundle's or a step's state, inside the same
transaction as the change: the core announces each transition with the row's values before and after,
and the difference between the two contributions is added to the counters, so a rolled-back change
rolls its counters back too."""

from __future__ import annotations

from django.dispatch import receiver

from registrations.models import Bundle
from registrations.signals import bundle_transitioned, step_transitioned

from . import rules, services


def _before(previous: dict, fields) -> dict:
    return {name: previous[name] for name in fields}


def _after(row, fields) -> dict:
    return {name: getattr(row, name) for name in fields}


@receiver(bundle_transitioned)
def _bundle_transitioned(sender, bundle, previous, **kwargs):
    before, after = _before(previous, rules.BUNDLE_FIELDS), _after(bundle, rules.BUNDLE_FIELDS)
    if before == after:
        return
    # The calendar is read only when a processing time is counted, i.e. when a bundle closes.
    closing = [row for row in (before, after) if row["state"] in rules.CLOSED_WITH_RESULTS]
    moments = [row[name] for row in closing for name in ("clock_started_at", "completed_at")]
    overrides = services.calendar_window(*(rules.local_day(m) for m in moments if m is not None))
    old = rules.bundle_contribution(before, overrides)
    services.rollups_apply(rules.difference(old, rules.bundle_contribution(after, overrides)))


@receiver(step_transitioned)
def _step_transitioned(sender, step, bundle, previous, **kwargs):
    before, after = _before(previous, rules.STEP_FIELDS), _after(step, rules.STEP_FIELDS)
    counts = [row for row in (before, after) if rules.step_contribution(row, ward=0, group="")]
    if not counts:
        return  # neither version counts: no need to know the bundle's ward
    if bundle is not None:
        ward, group = bundle.ward_id, bundle.group
    else:
        ward, group = Bundle.objects.filter(pk=step.bundle_id).values_list("ward_id", "group").get()
    old = rules.step_contribution(before, ward=ward, group=group)
    services.rollups_apply(rules.difference(old, rules.step_contribution(after, ward=ward, group=group)))
