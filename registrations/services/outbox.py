"""The steps: the outbox. The relay claims due steps; every delivery report moves one step under
the bundle's lock, fenced by its attempt number, and releases what waited for it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream
from portal.common.identifiers import personal_id_errors
from portal.workcalendar import services as calendar

from .. import signals
from ..constants import (
    IN_FLIGHT_STEP_STATES,
    INTERNAL_PROCEDURES,
    SIGNED_EXTRACT,
    BundleState,
    PersonRole,
    StepState,
)
from ..exceptions import TransitionRefused, ValidationFailed
from ..models import Bundle, Step
from ..notifications import notify_requester
from ..payload_schemas import result_errors
from .changes import columns_of, locked, save_bundle, save_step, transition
from .guards import ensure_may
from .submission import catalogue_of, start_clock


def release_ready_steps(bundle: Bundle, steps: list[Step], now: datetime) -> list[Step]:
    """Waiting steps whose dependencies are met become pending, due now, with their own deadline."""
    done = {s.procedure for s in steps if s.state == StepState.DONE}
    if bundle.state in (BundleState.SIGNED, BundleState.COMPLETED):
        done.add(SIGNED_EXTRACT)
    released = []
    for step in steps:
        if (
            step.state == StepState.WAITING
            and step.procedure not in INTERNAL_PROCEDURES
            and set(step.depends_on) <= done
        ):
            loaded = columns_of(step)
            step.release()
            step.due_since = step.next_attempt_at = now
            step.deadline = calendar.deadline_from(now, step.time_limit_days)
            save_step(step, loaded, bundle=bundle)
            released.append(step)
    if released:
        ids = [s.pk for s in released]
        transaction.on_commit(lambda: signals.step_due.send(sender=Step, step_ids=ids), robust=True)
    return released


def _locked_step(step_id: int) -> tuple[Bundle, Step]:
    """Lock the bundle first, then the step: every path that touches both takes them in this order,
    so two workers finishing two steps of one bundle queue instead of deadlocking."""
    bundle_id = Step.objects.filter(pk=step_id).values_list("bundle_id", flat=True).get()
    bundle = locked(Bundle(pk=bundle_id))
    return bundle, Step.objects.select_for_update().get(pk=step_id)


def _step_event(bundle: Bundle, step: Step, action: str, **data) -> None:
    audit_record(
        stream=bundle_stream(bundle),
        action=f"step.{action}",
        object_type="step",
        object_id=step.idempotency_key,
        data={"procedure": step.procedure, **data},
    )


def steps_claim_due(
    *, limit: int, lease_seconds: float, now: datetime | None = None
) -> list[tuple[int, int]]:
    """The relay's claim: due pending steps, and sending steps whose lease expired (their worker died),
    locked with SKIP LOCKED so concurrent relays never take the same step. Each claimed step becomes
    ``sending`` with a lease and a new attempt number, returned as (step id, attempt) pairs; the
    attempt number fences a stale worker's late report."""
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            Step.objects.select_for_update(skip_locked=True)
            .filter(
                Q(state=StepState.PENDING, next_attempt_at__lte=now)
                | Q(state=StepState.SENDING, lease_until__lt=now)
            )
            .order_by("next_attempt_at", "pk")[:limit]
        )
        claimed = []
        for step in due:
            loaded = columns_of(step)
            step.claim()
            step.attempts += 1
            step.lease_until = now + timedelta(seconds=lease_seconds)
            save_step(
                step, loaded, bundle=None, update_fields=["state", "attempts", "lease_until", "updated_at"]
            )
            claimed.append((step.pk, step.attempts))
    return claimed


def _require_in_flight(step: Step, action: str) -> None:
    """An agency's report counts only for a step that was sent and is not finished."""
    if step.state not in IN_FLIGHT_STEP_STATES:
        raise TransitionRefused(action=action, state=step.state, allowed=[])


def _fenced(step: Step, attempt: int | None) -> bool:
    """A report from an attempt that is no longer the current one (its lease expired and the step was
    claimed again) must not move the step."""
    return attempt is not None and (step.state != StepState.SENDING or step.attempts != attempt)


def _move_reported_step(
    step_id: int,
    attempt: int,
    transition: str,
    *,
    event: str | None = None,
    event_data: dict | None = None,
    **fields,
) -> tuple[Bundle, Step] | None:
    """Apply a delivery report to a step unless the attempt is fenced off: run ``transition``, set
    ``fields`` (the lease always ends), save and, when asked, record ``event`` on the bundle's trail.
    Returns the bundle and step as locked and moved (None when fenced off)."""
    bundle, step = _locked_step(step_id)
    if _fenced(step, attempt):
        return None
    loaded = columns_of(step)
    getattr(step, transition)()
    for name, value in {"lease_until": None, **fields}.items():
        setattr(step, name, value)
    save_step(step, loaded, bundle=bundle)
    if event:
        _step_event(bundle, step, event, **(event_data or {}))
    return bundle, step


@transaction.atomic
def step_mark_accepted(
    *, step_id: int, attempt: int, reference: str, verification_needed: bool = False
) -> bool:
    """The agency took the request (202) and will call back. Only an agency's answer extends a time
    limit: when it says verification is needed, the step and the bundle get the group's limit with
    verification (Decree 63/2024/NĐ-CP: residence 5 working days instead of 2, the bundle 5 instead
    of 3)."""
    moved = _move_reported_step(
        step_id,
        attempt,
        "mark_accepted",
        reference=reference[:100],
        event="accepted",
        event_data={"reference": reference[:100]},
    )
    if moved and verification_needed:
        _extend_for_verification(*moved)  # the rows this transaction already holds locked
    return moved is not None


def _extend_for_verification(bundle: Bundle, step: Step) -> None:
    catalogue = catalogue_of(bundle, timezone.localdate())
    days = catalogue.rule.verification_time_limit_days
    if not days or bundle.verification_needed:
        return
    if step.due_since:
        step.deadline = calendar.deadline_from(step.due_since, max(days, step.time_limit_days))
        step.save(update_fields=["deadline", "updated_at"])
    bundle.verification_needed = True
    start_clock(bundle, catalogue, bundle.clock_started_at or timezone.now())
    bundle.save(update_fields=["verification_needed", "due_at", "clock_started_at", "updated_at"])
    _step_event(bundle, step, "verification_needed", days=days)


@transaction.atomic
def step_schedule_retry(*, step_id: int, attempt: int, error: str, next_attempt_at: datetime) -> bool:
    moved = _move_reported_step(
        step_id, attempt, "retry_later", next_attempt_at=next_attempt_at, reason=error[:1000]
    )
    return moved is not None


@transaction.atomic
def step_mark_dead(*, step_id: int, attempt: int, error: str) -> bool:
    """Every attempt is spent: a person must look (and may replay once the cause is fixed)."""
    moved = _move_reported_step(
        step_id, attempt, "mark_dead", reason=error[:1000], event="dead", event_data={"error": error[:1000]}
    )
    return moved is not None


@transaction.atomic
def step_resend(*, step_id: int, reason: str) -> bool:
    """Reconciliation found that the agency does not know an accepted request: send it again (the
    same idempotency key makes that harmless)."""
    bundle, step = _locked_step(step_id)
    if step.state != StepState.ACCEPTED:
        return False
    loaded = columns_of(step)
    step.resend()
    step.next_attempt_at, step.reason = timezone.now(), reason
    save_step(step, loaded, bundle=bundle)
    _step_event(bundle, step, "resend", reason=reason)
    return True


def _apply_result(bundle: Bundle, step: Step, result: dict) -> str | None:
    """Results the bundle itself keeps. Returns a reason to refuse the result, or None."""
    if step.procedure != "personal_id":
        return None
    number = str(result.get("personal_id", ""))
    child = next((p for p in bundle.people.all() if p.role == PersonRole.CHILD), None)
    if child is None:
        return "Hồ sơ không có thông tin trẻ để gắn số định danh."
    errors = personal_id_errors(number, date_of_birth=child.date_of_birth, sex=child.sex)
    if errors:
        return "Số định danh cơ quan công an trả về không hợp lệ: " + "; ".join(errors)
    child.id_number = number
    child.save()
    return None


@transaction.atomic
def step_record_result(
    *,
    step: Step | None = None,
    step_id: int | None = None,
    result: dict,
    reference: str = "",
    attempt: int | None = None,
) -> Step:
    """An agency finished a step (its answer, a callback or reconciliation). Idempotent: a second
    report changes nothing. Releases what waited for it, and completes the bundle when every step is
    done."""
    bundle, step = _locked_step(step_id or step.pk)
    if step.state == StepState.DONE or (
        attempt is not None and _fenced(step, attempt) and step.state != StepState.ACCEPTED
    ):
        return step
    _require_in_flight(step, "record_result")
    loaded = columns_of(step)
    if not isinstance(result, dict):
        raise ValidationFailed({"result": ["Kết quả của cơ quan phải là một đối tượng."]})
    # Checked against the procedure's result schema before anything is stored: a malformed result
    # changes nothing (the caller answers 422, or retries a synchronous answer).
    problems = result_errors(step.procedure, result)
    if problems:
        raise ValidationFailed({"result": problems}, "Kết quả của cơ quan không đúng lược đồ.")
    refused = _apply_result(bundle, step, result)
    if refused:
        step.mark_rejected()
        step.reason, step.lease_until = refused, None
        save_step(step, loaded, bundle=bundle)
        _step_event(bundle, step, "rejected", reason=refused)
        return step
    now = timezone.now()
    step.mark_done()
    step.result, step.done_at, step.lease_until, step.reason = result, now, None, ""
    if reference:
        step.reference = reference[:100]
    save_step(step, loaded, bundle=bundle)
    _step_event(bundle, step, "done")
    step_pk, procedure = step.pk, step.procedure
    transaction.on_commit(
        lambda: signals.step_completed.send(sender=Step, bundle=bundle, step_id=step_pk, procedure=procedure),
        robust=True,
    )
    steps = list(bundle.steps.all())
    release_ready_steps(bundle, steps, now)
    if bundle.state == BundleState.SIGNED and all(s.state == StepState.DONE for s in steps):
        bundle_loaded = columns_of(bundle)
        transition(bundle, "complete", actor=None)
        bundle.completed_at = now
        save_bundle(bundle, bundle_loaded)
    if step.procedure != "personal_id":
        notify_requester(
            bundle=bundle,
            subject=f"Đã có kết quả: {step.get_procedure_label()}",
            body=f"Cơ quan {step.get_agency_name()} đã giải quyết xong bước "
            f"“{step.get_procedure_label()}”. Xem chi tiết trên trang theo dõi hồ sơ.",
        )
    return step


@transaction.atomic
def step_record_rejection(
    *, step: Step | None = None, step_id: int | None = None, reason: str, attempt: int | None = None
) -> Step:
    """The agency refused the step (422): a person must act; the bundle needs attention."""
    bundle, step = _locked_step(step_id or step.pk)
    if step.state in (StepState.DONE, StepState.REJECTED) or (
        attempt is not None and _fenced(step, attempt) and step.state != StepState.ACCEPTED
    ):
        return step
    _require_in_flight(step, "record_rejection")
    loaded = columns_of(step)
    step.mark_rejected()
    step.reason, step.lease_until = reason[:1000], None
    save_step(step, loaded, bundle=bundle)
    _step_event(bundle, step, "rejected", reason=step.reason)
    notify_requester(
        bundle=bundle,
        subject=f"Cần xử lý: {step.get_procedure_label()}",
        body=f"Cơ quan {step.get_agency_name()} chưa giải quyết được bước "
        f"“{step.get_procedure_label()}”: {step.reason}. Cán bộ UBND sẽ liên hệ Anh/Chị.",
    )
    return step


@transaction.atomic
def step_replay(*, step_id: int, actor) -> Step:
    """After the cause is fixed, a clerk sends a rejected or dead step again, with the same
    idempotency key; the attempt count starts afresh."""
    bundle, step = _locked_step(step_id)
    if actor is not None:
        ensure_may("replay", actor=actor, bundle=bundle)
    loaded = columns_of(step)
    source = step.state
    try:
        step.replay()
    except TransitionNotAllowed:
        raise TransitionRefused(action="replay", state=source, allowed=[]) from None
    step.next_attempt_at, step.attempts, step.reason = timezone.now(), 0, ""
    save_step(step, loaded, bundle=bundle)
    _step_event(bundle, step, "replayed", by=getattr(actor, "username", "system"), previous=source)
    transaction.on_commit(lambda: signals.step_due.send(sender=Step, step_ids=[step.pk]), robust=True)
    return step
