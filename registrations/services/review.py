"""The clerk's review of a submitted bundle, and the citizen's answer to a supplement request."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from portal.workcalendar import services as calendar

from .. import rules
from ..constants import BundleState
from ..declaration import declaration_of
from ..exceptions import ValidationFailed
from ..models import Bundle, SupplementRequest
from ..notifications import notify_requester
from .changes import columns_of, locked, save_bundle, transition
from .drafts import persist_declaration
from .guards import ensure_may, require_state
from .submission import catalogue_of, check_declaration, flag_duplicates, start_clock


@transaction.atomic
def bundle_accept(*, bundle: Bundle, actor) -> Bundle:
    bundle = locked(bundle, actor=actor)
    loaded = columns_of(bundle)
    ensure_may("accept", actor=actor, bundle=bundle)
    transition(bundle, "accept", actor=actor)
    save_bundle(bundle, loaded)
    return bundle


@transaction.atomic
def bundle_request_supplement(*, bundle: Bundle, actor, items: list[dict]) -> SupplementRequest:
    bundle = locked(bundle, actor=actor)
    loaded = columns_of(bundle)
    ensure_may("request_supplement", actor=actor, bundle=bundle)
    transition(bundle, "request_supplement", actor=actor, extra={"items": items})
    rule = catalogue_of(bundle, timezone.localdate()).rule
    now = timezone.now()
    due_day = calendar.add_working_days(timezone.localdate(now), rule.supplement_days)
    remind_day = calendar.add_working_days(
        timezone.localdate(now), max(rule.supplement_days - rule.supplement_reminder_days, 0)
    )
    end_of = lambda day: timezone.make_aware(datetime.combine(day, datetime.max.time()))  # noqa: E731
    bundle.due_at = None  # the clock stops while the citizen answers
    # The request is written before the change is announced: who reports the change (the national
    # portal's status message) names its deadline.
    supplement = SupplementRequest.objects.create(
        bundle=bundle,
        requested_by=actor,
        items=items,
        due_at=end_of(due_day),
        remind_at=end_of(remind_day).replace(hour=8, minute=0, second=0, microsecond=0),
    )
    save_bundle(bundle, loaded)
    notify_requester(
        bundle=bundle,
        subject="Đề nghị bổ sung hồ sơ",
        body="UBND xã, phường đề nghị Anh/Chị bổ sung hồ sơ:\n"
        + "\n".join(f"- {item.get('field') or item.get('attachment')}: {item['reason']}" for item in items)
        + f"\nHạn bổ sung: {due_day:%d/%m/%Y}. Quá hạn, hồ sơ sẽ bị từ chối.",
    )
    return supplement


@transaction.atomic
def bundle_resubmit(*, bundle: Bundle, actor, data: dict) -> Bundle:
    """The citizen answers a supplement request: only the requested fields may change."""
    bundle = locked(bundle, actor=actor)
    loaded = columns_of(bundle)
    ensure_may("resubmit", actor=actor, bundle=bundle)
    require_state(bundle, "resubmit", (BundleState.AWAITING_CITIZEN,))
    request = bundle.supplements.filter(answered_at__isnull=True, expired_at__isnull=True).get()
    allowed = rules.supplement_fields_allowed(request.items)
    before = declaration_of(bundle)
    if data:
        persist_declaration(bundle, data)
        bundle = locked(bundle)
    after = declaration_of(bundle)
    forbidden = sorted(p for p in rules.changed_paths(before, after) if not rules.path_allowed(p, allowed))
    if forbidden:
        raise ValidationFailed({path: ["Trường này không nằm trong yêu cầu bổ sung."] for path in forbidden})
    now = timezone.now()
    catalogue = catalogue_of(bundle, timezone.localdate(now))
    _declaration, check = check_declaration(bundle, catalogue, today=timezone.localdate(now))
    transition(bundle, "resubmit", actor=actor, extra={"changed": sorted(rules.changed_paths(before, after))})
    start_clock(bundle, catalogue, now)
    flag_duplicates(bundle, after)
    bundle.certificate_status = check.status
    save_bundle(bundle, loaded)
    request.answered_at = now
    request.save(update_fields=["answered_at"])
    return bundle


@transaction.atomic
def bundle_reject(*, bundle: Bundle, actor, reason: str) -> Bundle:
    bundle = locked(bundle, actor=actor)
    loaded = columns_of(bundle)
    if actor is not None:  # None: the periodic job rejecting an unanswered supplement request
        ensure_may("reject", actor=actor, bundle=bundle)
    transition(bundle, "reject", actor=actor, reason=reason)
    bundle.closed_reason = reason
    bundle.due_at = None
    save_bundle(bundle, loaded)
    return bundle


@transaction.atomic
def bundle_withdraw(*, bundle: Bundle, actor, reason: str = "") -> Bundle:
    bundle = locked(bundle, actor=actor)
    loaded = columns_of(bundle)
    ensure_may("withdraw", actor=actor, bundle=bundle)
    transition(bundle, "withdraw", actor=actor, reason=reason)
    bundle.closed_reason = reason or "Công dân rút hồ sơ."
    bundle.due_at = None
    save_bundle(bundle, loaded)
    return bundle
