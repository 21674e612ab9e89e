"""How every service reads a bundle under its lock, runs a transition, saves what changed and
announces it: the steps each change of a bundle or a step goes through, in one place."""

from __future__ import annotations

import copy

from django.db import transaction
from django_fsm import TransitionNotAllowed

from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream

from .. import selectors, signals
from ..exceptions import TransitionRefused
from ..models import Bundle, Step
from .guards import allowed_actions


def locked(bundle: Bundle | selectors.BundleKey, *, actor=None, declaration: bool = True) -> Bundle:
    """The bundle re-read under a row lock (with its declaration unless not needed), so two clerks
    acting at once serialise and the second sees the first one's result. With an actor, only within
    what the actor may see (a bundle outside it does not exist for them)."""
    base = Bundle.objects if actor is None else selectors.bundles_for(actor)
    queryset = base.select_for_update(of=("self",))
    if declaration:
        queryset = selectors.with_declaration(queryset)
    lookup = bundle.lookup() if isinstance(bundle, selectors.BundleKey) else {"pk": bundle.pk}
    return queryset.get(**lookup)


def transition(bundle: Bundle, name: str, *, actor, reason: str = "", extra: dict | None = None) -> None:
    """Run one FSM transition and record it; a refused one raises before anything is written. The
    caller then saves with ``save_bundle``, which announces the change."""
    source = bundle.state
    try:
        getattr(bundle, name)()
    except TransitionNotAllowed:
        raise TransitionRefused(action=name, state=source, allowed=allowed_actions(bundle)) from None
    audit_record(
        stream=bundle_stream(bundle),
        action=f"bundle.{name}",
        actor=actor,
        object_type="bundle",
        object_id=bundle.code or bundle.public_id,
        data={"from": source, "to": bundle.state, "reason": reason, **(extra or {})},
    )


def columns_of(row) -> dict[str, object]:
    """A row's column values as loaded, to compare with after a change (and announce as before)."""
    return {f.attname: copy.copy(getattr(row, f.attname)) for f in row._meta.concrete_fields}


def save_bundle(bundle: Bundle, loaded: dict[str, object]) -> None:
    """Write the columns that differ from ``loaded`` (and the modification time), then announce a
    state change inside the transaction, so what subscribers write commits or rolls back with it."""
    changed = [name for name, value in loaded.items() if getattr(bundle, name) != value]
    bundle.save(update_fields=[*changed, "updated_at"])
    if loaded["state"] != bundle.state:
        signals.bundle_transitioned.send(
            sender=Bundle, bundle=bundle, source=loaded["state"], target=bundle.state, previous=loaded
        )


def save_step(step: Step, loaded: dict[str, object], *, bundle: Bundle | None, **save) -> None:
    """Save a step and announce its change of state, as ``save_bundle`` does for a bundle."""
    step.save(**save)
    if loaded["state"] != step.state:
        signals.step_transitioned.send(
            sender=Step, step=step, bundle=bundle, source=loaded["state"], target=step.state, previous=loaded
        )


def bundle_event(bundle: Bundle, action: str, *, actor=None, data: dict | None = None) -> None:
    """One event in the bundle's own audit stream (its history, as staff and the family read it)."""
    audit_record(
        stream=bundle_stream(bundle),
        action=action,
        actor=actor,
        object_type="bundle",
        object_id=bundle.code or bundle.public_id,
        data=data,
    )


def announce_on_commit(signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=Bundle, **kwargs), robust=True)
