"""Corrections of a registered bundle: requested by the citizen or the clerk, decided by the clerk."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream
from portal.common.problems import flatten_errors

from .. import signals
from ..constants import REGISTERED_STATES, CorrectionState
from ..exceptions import TransitionRefused, ValidationFailed
from ..models import Bundle, Correction
from ..serializers import DeclarationSerializer
from .changes import locked
from .drafts import persist_declaration
from .guards import allowed_actions, ensure_may, require_state


@transaction.atomic
def correction_request(*, bundle: Bundle, actor, changes: dict, reason: str) -> Correction:
    bundle = locked(bundle, actor=actor)
    ensure_may("request_correction", actor=actor, bundle=bundle)
    require_state(bundle, "request_correction", REGISTERED_STATES)
    if bundle.corrections.filter(state=CorrectionState.REQUESTED).exists():
        raise ValidationFailed({"changes": ["Hồ sơ đang có một yêu cầu cải chính chờ quyết định."]})
    correction = Correction.objects.create(bundle=bundle, changes=changes, reason=reason, requested_by=actor)
    audit_record(
        stream=bundle_stream(bundle),
        action="bundle.correction_requested",
        actor=actor,
        object_type="bundle",
        object_id=bundle.code,
        data={"fields": sorted(changes), "reason": reason},
    )
    return correction


@transaction.atomic
def correction_decide(*, bundle: Bundle, actor, approve: bool, note: str = "") -> Correction:
    """Approve (applying the requested changes, validated again as the declaration is today) or refuse
    a correction."""
    bundle = locked(bundle, actor=actor)
    ensure_may("decide_correction", actor=actor, bundle=bundle)
    correction = bundle.corrections.select_for_update().filter(state=CorrectionState.REQUESTED).first()
    if correction is None:
        raise TransitionRefused(
            action="decide_correction", state=bundle.state, allowed=allowed_actions(bundle)
        )
    if approve:
        persist_declaration(bundle, _validated(bundle, correction.changes))
    correction.state = CorrectionState.APPROVED if approve else CorrectionState.REFUSED
    correction.decided_by, correction.decided_at, correction.decision_note = actor, timezone.now(), note
    correction.save()
    audit_record(
        stream=bundle_stream(bundle),
        action="bundle.correction_decided",
        actor=actor,
        object_type="bundle",
        object_id=bundle.code,
        data={"approved": approve, "note": note},
    )
    if approve:
        transaction.on_commit(
            lambda: signals.bundle_corrected.send(sender=Bundle, bundle=bundle, correction=correction),
            robust=True,
        )
    return correction


def _validated(bundle: Bundle, changes: dict) -> dict:
    """The stored request (JSON) as validated values; what no longer validates refuses the approval."""
    serializer = DeclarationSerializer(data=changes, context={"group": bundle.group})
    if not serializer.is_valid():
        raise ValidationFailed(flatten_errors(serializer.errors), "Nội dung cải chính không còn hợp lệ.")
    return {k: v for k, v in serializer.validated_data.items() if k != "group"}
