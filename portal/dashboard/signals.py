"""Keep the roll-ups in step with the bundle and step rows, inside the same transaction as the change:
the difference between a row's contribution before and after a save is added to the counters, so a
rolled-back change rolls its counters back too.

"Before" is what the row held when it was loaded (the services load and lock it just before changing
it). Both models refuse to save over a state changed since loading (django-fsm's
ConcurrentTransitionMixin), so the loaded values are the stored ones; when they cannot be trusted (the
instance was refreshed, or loaded with deferred fields) they are read again."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.dispatch import receiver

from registrations.models import Bundle, Step

from . import rules, services

_LOADED = "_rollup_loaded"
_BEFORE = "_rollup_before"
FIELDS = {Bundle: rules.BUNDLE_FIELDS, Step: rules.STEP_FIELDS}


def _values(instance, fields) -> dict:
    return {name: getattr(instance, name) for name in fields}


def _relevant(update_fields, fields) -> bool:
    """A save limited to other columns (a step's lease, say) cannot change any contribution."""
    if update_fields is None:
        return True
    return bool({f.removesuffix("_id") for f in update_fields} & {f.removesuffix("_id") for f in fields})


@receiver(post_init, sender=Bundle)
@receiver(post_init, sender=Step)
def _loaded(sender, instance, **kwargs):
    fields = FIELDS[sender]
    loaded = instance.pk is not None and all(f in instance.__dict__ for f in fields)
    instance.__dict__[_LOADED] = _values(instance, fields) if loaded else None


def _initial_state(instance):
    """The state the row had in the database as django-fsm last knew it (kept across refreshes)."""
    return getattr(instance, "_ConcurrentTransitionMixin__initial_states", {}).get("state")


@receiver(pre_save, sender=Bundle)
@receiver(pre_save, sender=Step)
def _remember(sender, instance, update_fields=None, **kwargs):
    instance.__dict__[_BEFORE] = None
    if instance.pk is None or not _relevant(update_fields, FIELDS[sender]):
        return
    loaded = instance.__dict__.get(_LOADED)
    if loaded is None or loaded["state"] != _initial_state(instance):
        loaded = sender.objects.filter(pk=instance.pk).values(*FIELDS[sender]).first()
    instance.__dict__[_BEFORE] = loaded


def _bundle_change(before: dict | None, after: dict | None) -> rules.Contribution:
    if before == after:
        return {}
    # The calendar is read only when a processing time is counted, i.e. when a bundle closes.
    closing = [row for row in (before, after) if row and row["state"] in rules.CLOSED_WITH_RESULTS]
    moments = [row[name] for row in closing for name in ("clock_started_at", "completed_at")]
    overrides = services.calendar_window(*(rules.local_day(m) for m in moments if m is not None))
    old = rules.bundle_contribution(before, overrides) if before else {}
    new = rules.bundle_contribution(after, overrides) if after else {}
    return rules.difference(old, new)


def _counts(row: dict | None) -> bool:
    return bool(row) and bool(rules.step_contribution(row, ward=0, group=""))


@receiver(post_save, sender=Bundle)
@receiver(post_save, sender=Step)
def _saved(sender, instance, created, update_fields=None, **kwargs):
    fields = FIELDS[sender]
    if not created and not _relevant(update_fields, fields):
        return
    before = None if created else instance.__dict__.get(_BEFORE)
    after = _values(instance, fields)
    instance.__dict__[_LOADED] = after  # what the row holds now
    if before == after:
        return
    if sender is Bundle:
        services.rollups_apply(_bundle_change(before, after))
        return
    if not (_counts(before) or _counts(after)):
        return  # neither version counts: no need to look up the bundle's ward
    bundle = instance._state.fields_cache.get("bundle")
    if bundle is not None:
        ward, group = bundle.ward_id, bundle.group
    else:
        ward, group = Bundle.objects.filter(pk=instance.bundle_id).values_list("ward_id", "group").get()
    old = rules.step_contribution(before, ward=ward, group=group) if before else {}
    services.rollups_apply(rules.difference(old, rules.step_contribution(after, ward=ward, group=group)))


@receiver(post_delete, sender=Bundle)
def _bundle_deleted(sender, instance, **kwargs):
    services.rollups_apply(_bundle_change(_values(instance, rules.BUNDLE_FIELDS), None))
