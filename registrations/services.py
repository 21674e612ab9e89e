"""The only way to change a bundle or a step. Each public function is one transaction, takes keyword
arguments, checks who may act, applies the rules, writes the audit trail and announces what happened
once the transaction has committed."""

from __future__ import annotations

import copy
import hashlib
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from portal.accounts.constants import Role
from portal.accounts.models import User
from portal.audit.services import audit_record
from portal.common.identifiers import bundle_code, personal_id_errors
from portal.divisions.selectors import province_of
from portal.workcalendar import services as calendar

from . import rules, selectors, signals
from .certificates import KINDS, CertificateCheck, certificate_check, certificate_prefill
from .constants import (
    INTERNAL_PROCEDURES,
    OPEN_STATES,
    REGISTERED_STATES,
    REGISTRATION_PROCEDURE,
    SIGNED_EXTRACT,
    Book,
    BundleState,
    CertificateKind,
    CorrectionState,
    Group,
    Origin,
    PersonRole,
    StepState,
)
from .declaration import apply_declaration, declaration_of
from .exceptions import DuplicateRegistration, NotPermitted, TransitionRefused, ValidationFailed
from .models import (
    Attachment,
    Bundle,
    BundleCodeCounter,
    CertificateUse,
    Correction,
    MedicalCertificate,
    Person,
    RegistrationCounter,
    Step,
    SupplementRequest,
)
from .notifications import mail_after_commit, notify_requester
from .serializers import DeclarationSerializer

CLERK_ACTIONS = {
    "accept",
    "request_supplement",
    "reject",
    "register",
    "issue_without_personal_id",
    "close_partially",
    "decide_correction",
    "replay",
}
OWNER_ACTIONS = {"update", "submit", "withdraw", "resubmit", "attach"}
LEADER_ACTIONS = {"sign"}


# --- guards -------------------------------------------------------------------------------------


# What the clerk who filed a bundle for a citizen at the counter may do with it: fill it in while it
# is a draft, attach the scans, and submit it once the citizen confirmed. Never judge it.
ASSISTING_ACTIONS = {"update", "attach", "submit"}
NOT_BY_THE_ASSISTING_CLERK = {"accept", "register", "reject", "request_supplement"}


def _ensure_may(action: str, *, actor, bundle: Bundle) -> None:
    assisting = bundle.assisted_by_id is not None and bundle.assisted_by_id == actor.pk
    if assisting and action in NOT_BY_THE_ASSISTING_CLERK:
        raise NotPermitted(
            "Cán bộ đã hỗ trợ công dân nộp hồ sơ này không được tự tiếp nhận, xử lý hay đăng ký; "
            "một cán bộ khác của xã, phường thực hiện."
        )
    if assisting and action in ASSISTING_ACTIONS and bundle.state == BundleState.DRAFT:
        return
    is_owner = bundle.owner_id == actor.pk
    is_ward_clerk = (
        actor.role == Role.WARD_CLERK and bundle.ward_id is not None and actor.ward_id == bundle.ward_id
    )
    is_ward_leader = actor.role == Role.WARD_LEADER and actor.ward_id == bundle.ward_id
    allowed = (
        (action in OWNER_ACTIONS and is_owner)
        or (action in CLERK_ACTIONS and is_ward_clerk)
        or (action in LEADER_ACTIONS and is_ward_leader)
        or (action == "request_correction" and (is_owner or is_ward_clerk))
        or (action == "attach" and is_ward_clerk)
    )
    if not (actor.is_active and allowed):
        raise NotPermitted(f"Tài khoản này không được thực hiện thao tác '{action}' với hồ sơ này.")


def bundle_check_may(*, action: str, actor, bundle: Bundle) -> None:
    """For other apps (signing): raise NotPermitted unless ``actor`` may take ``action`` on ``bundle``."""
    _ensure_may(action, actor=actor, bundle=bundle)


def _require_state(bundle: Bundle, action: str, states) -> None:
    """Refuse an action that is not a transition of its own (or must be refused before any work) when
    the bundle is in none of ``states``."""
    if bundle.state not in states:
        raise TransitionRefused(action=action, state=bundle.state, allowed=allowed_actions(bundle))


def allowed_actions(bundle: Bundle) -> list[str]:
    """The bundle transitions possible from its current state (whoever may take them)."""
    return sorted({t.name for t in bundle.get_available_state_transitions()})


def _transition(bundle: Bundle, name: str, *, actor, reason: str = "", extra: dict | None = None) -> None:
    """Run one FSM transition and record it; a refused one raises before anything is written. The
    caller then saves with ``_save``, which announces the change."""
    source = bundle.state
    try:
        getattr(bundle, name)()
    except TransitionNotAllowed:
        raise TransitionRefused(action=name, state=source, allowed=allowed_actions(bundle)) from None
    audit_record(
        stream=f"bundle:{bundle.public_id}",
        action=f"bundle.{name}",
        actor=actor,
        object_type="bundle",
        object_id=bundle.code or bundle.public_id,
        data={"from": source, "to": bundle.state, "reason": reason, **(extra or {})},
    )


def _locked(bundle: Bundle | selectors.BundleKey, *, actor=None, declaration: bool = True) -> Bundle:
    """The bundle re-read under a row lock (with its declaration unless not needed), so two clerks
    acting at once serialise and the second sees the first one's result. With an actor, only within
    what the actor may see (a bundle outside it does not exist for them)."""
    base = Bundle.objects if actor is None else selectors.bundles_for(actor)
    queryset = base.select_for_update(of=("self",))
    if declaration:
        queryset = selectors.with_declaration(queryset)
    lookup = bundle.lookup() if isinstance(bundle, selectors.BundleKey) else {"pk": bundle.pk}
    return queryset.get(**lookup)


def _columns(row) -> dict[str, object]:
    """A row's column values as loaded, to compare with after a change (and announce as before)."""
    return {f.attname: copy.copy(getattr(row, f.attname)) for f in row._meta.concrete_fields}


def _save(bundle: Bundle, loaded: dict[str, object]) -> None:
    """Write the columns that differ from ``loaded`` (and the modification time), then announce a
    state change inside the transaction, so what subscribers write commits or rolls back with it."""
    changed = [name for name, value in loaded.items() if getattr(bundle, name) != value]
    bundle.save(update_fields=[*changed, "updated_at"])
    if loaded["state"] != bundle.state:
        signals.bundle_transitioned.send(
            sender=Bundle, bundle=bundle, source=loaded["state"], target=bundle.state, previous=loaded
        )


def _save_step(step: Step, loaded: dict[str, object], *, bundle: Bundle | None, **save) -> None:
    """Save a step and announce its change of state, as ``_save`` does for a bundle."""
    step.save(**save)
    if loaded["state"] != step.state:
        signals.step_transitioned.send(
            sender=Step, step=step, bundle=bundle, source=loaded["state"], target=step.state, previous=loaded
        )


def _bundle_event(bundle: Bundle, action: str, *, actor=None, data: dict | None = None) -> None:
    """One event in the bundle's own audit stream (its history, as staff and the family read it)."""
    audit_record(
        stream=f"bundle:{bundle.public_id}",
        action=action,
        actor=actor,
        object_type="bundle",
        object_id=bundle.code or bundle.public_id,
        data=data,
    )


def _on_commit(signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=Bundle, **kwargs), robust=True)


# --- drafts -------------------------------------------------------------------------------------


def _requester_from_account(*, bundle: Bundle, owner) -> Person:
    """The requester's identity comes from e-ID and is not editable in the declaration."""
    return Person(
        bundle=bundle,
        role=PersonRole.REQUESTER,
        full_name=owner.full_name,
        date_of_birth=owner.date_of_birth,
        sex=owner.sex or "",
        id_number=owner.id_number or None,
    )


def _persist(bundle: Bundle, data: dict) -> None:
    to_save, to_delete, details = apply_declaration(bundle, data)
    bundle.save()
    if details is not None:
        details.save()
    for person in to_delete:
        if person.pk:
            person.delete()
    new = [p for p in to_save if p.pk is None]
    for person in new:
        person.prepare()
    Person.objects.bulk_create(new)
    for person in to_save:
        if person.pk and person not in new:
            person.save()


@transaction.atomic
def bundle_create_draft(*, owner, data: dict) -> Bundle:
    if owner.role != Role.CITIZEN:
        raise NotPermitted("Chỉ công dân (hoặc cán bộ nộp thay tại bộ phận một cửa) tạo hồ sơ.")
    bundle = Bundle(owner=owner, group=data["group"])
    to_save, _, details = apply_declaration(bundle, data)  # rows built in memory, saved below
    bundle.save()
    requester = _requester_from_account(bundle=bundle, owner=owner)
    if details is not None:
        details.save(force_insert=True)  # a new bundle's row: no UPDATE tried first
    for person in (requester, *to_save):
        person.prepare()
    Person.objects.bulk_create([requester, *to_save])
    return bundle


@transaction.atomic
def bundle_update_draft(*, bundle: Bundle, actor, data: dict) -> Bundle:
    bundle = _locked(bundle, actor=actor)
    _ensure_may("update", actor=actor, bundle=bundle)
    _require_state(bundle, "update", (BundleState.DRAFT,))
    _persist(bundle, data)
    return bundle


# --- submission ---------------------------------------------------------------------------------


def _next_code(bundle: Bundle, now: datetime) -> str:
    """{province}.{ward}-{YYMMDD}-{NNNN}: unique, sortable within a ward, readable over the phone."""
    day = timezone.localtime(now).date()
    (number,) = BundleCodeCounter.objects.advance(
        counter="last_number", key={"ward": bundle.ward_id, "day": day}
    )
    return bundle_code(province=province_of(bundle.ward_id), ward=bundle.ward_id, day=day, number=number)


def _catalogue(bundle: Bundle, day) -> selectors.Catalogue:
    """The bundle's own catalogue version once submitted; the one in force today for a draft."""
    if bundle.catalogue_version_id:
        return selectors.catalogue_for(version=bundle.catalogue_version, group=bundle.group)
    try:
        return selectors.catalogue_on(day=day, group=bundle.group)
    except LookupError as exc:
        raise ValidationFailed({"procedures": [str(exc)]}, "Chưa có danh mục thủ tục áp dụng.") from None


def _check_declaration(bundle: Bundle, catalogue, *, today) -> tuple[dict, CertificateCheck]:
    """The declaration if it may be submitted (ValidationFailed otherwise), with how its certificate
    number compares with what the facility sent."""
    declaration = declaration_of(bundle)
    attachment_kinds = {a.kind for a in bundle.attachments.all()}
    # A certificate the facility sent electronically, matching the declared person, stands in for
    # the scan of it; a mismatch does not block, but then the scan is needed and the clerk is told.
    check = certificate_check(group=bundle.group, declaration=declaration)
    if check.verified:
        attachment_kinds.add(KINDS[check.kind].scan_kind)
    errors = rules.submission_errors(declaration, catalogue, today=today, attachment_kinds=attachment_kinds)
    if bundle.group == Group.DEATH and not errors:
        deceased_id = declaration["deceased"]["id_number"]
        if selectors.death_registered_for(bundle=bundle, deceased_id=deceased_id):
            errors["deceased.id_number"] = ["Người này đã có hồ sơ khai tử đang giải quyết hoặc đã đăng ký."]
    if errors:
        raise ValidationFailed(errors, "Hồ sơ chưa đủ hoặc chưa đúng để nộp.")
    return declaration, check


def _flag_duplicates(bundle: Bundle, declaration: dict) -> None:
    if bundle.group != Group.BIRTH:
        return
    bundle.possible_duplicate_of = selectors.birth_duplicate_of(
        bundle=bundle,
        certificate_number=(declaration.get("birth") or {}).get("medical_birth_certificate_number") or "",
        mother_id=(declaration.get("mother") or {}).get("id_number"),
        child_name=(declaration.get("child") or {}).get("full_name") or "",
        child_born=(declaration.get("child") or {}).get("date_of_birth"),
    )


def _start_clock(bundle: Bundle, catalogue, now: datetime) -> None:
    """The processing clock runs from the last complete (re)submission, after the 15:00 cut-off."""
    rule = catalogue.rule
    days = (
        rule.verification_time_limit_days
        if bundle.verification_needed and rule.verification_time_limit_days
        else rule.time_limit_days
    )
    regime = bundle.death.regime if bundle.group == Group.DEATH and hasattr(bundle, "death") else None
    step_days = [
        rules.step_plan(procedure=catalogue.procedures[c], regime=regime)[1] for c in bundle.procedures
    ]
    bundle.clock_started_at = now
    bundle.due_at = calendar.deadline_from(now, max([days, *step_days]))


def bundle_submission_errors(*, bundle: Bundle) -> dict[str, list[str]]:
    """What would stop this draft's submission now, by field path (empty: it may be submitted). The
    citizen's review page shows it before the button, with the same rules the submission applies."""
    today = timezone.localdate()
    try:
        _check_declaration(bundle, _catalogue(bundle, today), today=today)
    except ValidationFailed as exc:
        return exc.errors
    return {}


@transaction.atomic
def bundle_submit(*, bundle: Bundle, actor) -> Bundle:
    bundle = _locked(bundle, actor=actor)
    loaded = _columns(bundle)
    _ensure_may("submit", actor=actor, bundle=bundle)
    _require_state(bundle, "submit", (BundleState.DRAFT,))
    now = timezone.now()
    today = timezone.localdate(now)
    catalogue = _catalogue(bundle, today)
    declaration, check = _check_declaration(bundle, catalogue, today=today)
    _transition(bundle, "submit", actor=actor)
    bundle.certificate_status = check.status
    bundle.catalogue_version = catalogue.version
    bundle.procedures = rules.full_procedure_list(bundle.procedures, catalogue)
    bundle.submitted_at = now
    bundle.late_registration = rules.is_late_registration(declaration, catalogue, today=today)
    _flag_duplicates(bundle, declaration)
    _start_clock(bundle, catalogue, now)
    # The ward's code counter is taken last: its row stays locked until commit, so every other
    # submission of the ward that day waits only for this transaction's final statements.
    bundle.code = _next_code(bundle, now)
    _save(bundle, loaded)
    regime = bundle.death.regime if bundle.group == Group.DEATH else None
    present = set(bundle.procedures)
    steps = []
    for position, code in enumerate(bundle.procedures):
        agency, days = rules.step_plan(procedure=catalogue.procedures[code], regime=regime)
        steps.append(
            Step(
                bundle=bundle,
                procedure=code,
                agency=agency,
                position=position,
                time_limit_days=days,
                depends_on=rules.step_dependencies(code, catalogue, present),
            )
        )
    Step.objects.bulk_create(steps)
    _on_commit(signals.bundle_submitted, bundle=bundle)
    return bundle


# --- the clerk's review -------------------------------------------------------------------------


@transaction.atomic
def bundle_accept(*, bundle: Bundle, actor) -> Bundle:
    bundle = _locked(bundle, actor=actor)
    loaded = _columns(bundle)
    _ensure_may("accept", actor=actor, bundle=bundle)
    _transition(bundle, "accept", actor=actor)
    _save(bundle, loaded)
    return bundle


@transaction.atomic
def bundle_request_supplement(*, bundle: Bundle, actor, items: list[dict]) -> SupplementRequest:
    bundle = _locked(bundle, actor=actor)
    loaded = _columns(bundle)
    _ensure_may("request_supplement", actor=actor, bundle=bundle)
    _transition(bundle, "request_supplement", actor=actor, extra={"items": items})
    rule = _catalogue(bundle, timezone.localdate()).rule
    now = timezone.now()
    due_day = calendar.add_working_days(timezone.localdate(now), rule.supplement_days)
    remind_day = calendar.add_working_days(
        timezone.localdate(now), max(rule.supplement_days - rule.supplement_reminder_days, 0)
    )
    end_of = lambda day: timezone.make_aware(datetime.combine(day, datetime.max.time()))  # noqa: E731
    bundle.due_at = None  # the clock stops while the citizen answers
    _save(bundle, loaded)
    notify_requester(
        bundle=bundle,
        subject="Đề nghị bổ sung hồ sơ",
        body="UBND xã, phường đề nghị Anh/Chị bổ sung hồ sơ:\n"
        + "\n".join(f"- {item.get('field') or item.get('attachment')}: {item['reason']}" for item in items)
        + f"\nHạn bổ sung: {due_day:%d/%m/%Y}. Quá hạn, hồ sơ sẽ bị từ chối.",
    )
    return SupplementRequest.objects.create(
        bundle=bundle,
        requested_by=actor,
        items=items,
        due_at=end_of(due_day),
        remind_at=end_of(remind_day).replace(hour=8, minute=0, second=0, microsecond=0),
    )


@transaction.atomic
def bundle_resubmit(*, bundle: Bundle, actor, data: dict) -> Bundle:
    """The citizen answers a supplement request: only the requested fields may change."""
    bundle = _locked(bundle, actor=actor)
    loaded = _columns(bundle)
    _ensure_may("resubmit", actor=actor, bundle=bundle)
    _require_state(bundle, "resubmit", (BundleState.AWAITING_CITIZEN,))
    request = bundle.supplements.filter(answered_at__isnull=True, expired_at__isnull=True).get()
    allowed = rules.supplement_fields_allowed(request.items)
    before = declaration_of(bundle)
    if data:
        _persist(bundle, data)
        bundle = _locked(bundle)
    after = declaration_of(bundle)
    forbidden = sorted(p for p in rules.changed_paths(before, after) if not rules.path_allowed(p, allowed))
    if forbidden:
        raise ValidationFailed({path: ["Trường này không nằm trong yêu cầu bổ sung."] for path in forbidden})
    now = timezone.now()
    catalogue = _catalogue(bundle, timezone.localdate(now))
    _declaration, check = _check_declaration(bundle, catalogue, today=timezone.localdate(now))
    _transition(
        bundle, "resubmit", actor=actor, extra={"changed": sorted(rules.changed_paths(before, after))}
    )
    _start_clock(bundle, catalogue, now)
    _flag_duplicates(bundle, after)
    bundle.certificate_status = check.status
    _save(bundle, loaded)
    request.answered_at = now
    request.save(update_fields=["answered_at"])
    return bundle


@transaction.atomic
def bundle_reject(*, bundle: Bundle, actor, reason: str) -> Bundle:
    bundle = _locked(bundle, actor=actor)
    loaded = _columns(bundle)
    if actor is not None:  # None: the periodic job rejecting an unanswered supplement request
        _ensure_may("reject", actor=actor, bundle=bundle)
    _transition(bundle, "reject", actor=actor, reason=reason)
    bundle.closed_reason = reason
    bundle.due_at = None
    _save(bundle, loaded)
    return bundle


@transaction.atomic
def bundle_withdraw(*, bundle: Bundle, actor, reason: str = "") -> Bundle:
    bundle = _locked(bundle, actor=actor)
    loaded = _columns(bundle)
    _ensure_may("withdraw", actor=actor, bundle=bundle)
    _transition(bundle, "withdraw", actor=actor, reason=reason)
    bundle.closed_reason = reason or "Công dân rút hồ sơ."
    bundle.due_at = None
    _save(bundle, loaded)
    return bundle


def _claim_certificate(bundle: Bundle) -> None:
    """The certificate number this registration rests on, taken for good; a number already taken by
    another bundle refuses the registration and names that bundle."""
    kind = CertificateKind(bundle.group)
    spec = KINDS[kind]
    details, key = spec.declared_number.split(".")  # bundle.birth / bundle.death hold the number
    number = getattr(getattr(bundle, details), key)
    if not number:
        return
    try:
        with transaction.atomic():
            CertificateUse.objects.create(kind=kind, number=number, bundle=bundle)
    except IntegrityError:
        holder = CertificateUse.objects.select_related("bundle").get(kind=kind, number=number).bundle
        if holder.pk != bundle.pk:
            raise DuplicateRegistration(
                field=spec.declared_number,
                label=spec.label.capitalize(),
                number=number,
                existing_code=holder.code,
            ) from None


@transaction.atomic
def bundle_register(*, bundle: Bundle, actor) -> Bundle:
    """Enter the bundle in the ward's book: the next gapless number of this year's birth or death book.
    The registration step is done; for a birth the personal ID step becomes due at once."""
    bundle = _locked(bundle, actor=actor)
    loaded = _columns(bundle)
    _ensure_may("register", actor=actor, bundle=bundle)
    if "register" not in allowed_actions(bundle):  # refused before a number or certificate is taken
        raise TransitionRefused(action="register", state=bundle.state, allowed=allowed_actions(bundle))
    now = timezone.now()
    year = timezone.localdate(now).year
    book = Book.BIRTH if bundle.group == Group.BIRTH else Book.DEATH
    _claim_certificate(bundle)
    (bundle.registration_number,) = RegistrationCounter.objects.advance(
        counter="last_number", key={"ward": bundle.ward_id, "book": book, "year": year}
    )
    bundle.registration_book = f"01/{year}"
    bundle.registered_at, bundle.registered_by = now, actor
    _transition(
        bundle,
        "register",
        actor=actor,
        extra={"number": bundle.registration_number, "book": bundle.registration_book},
    )
    _save(bundle, loaded)
    steps = list(bundle.steps.all())
    registration = next(s for s in steps if s.procedure == REGISTRATION_PROCEDURE[bundle.group])
    step_loaded = _columns(registration)
    registration.mark_done()
    registration.done_at = now
    registration.result = {
        "registration_number": bundle.registration_number,
        "book": bundle.registration_book,
    }
    _save_step(registration, step_loaded, bundle=bundle)
    _release_ready_steps(bundle, steps, now)
    _on_commit(signals.bundle_registered, bundle=bundle)
    return bundle


@transaction.atomic
def bundle_issue_without_personal_id(*, bundle: Bundle, actor, reason: str) -> Bundle:
    """When the personal ID number is overdue the clerk may let the extract be signed without it; the
    extract is re-issued when the number arrives."""
    bundle = _locked(bundle, actor=actor)
    _ensure_may("issue_without_personal_id", actor=actor, bundle=bundle)
    step = bundle.steps.filter(procedure="personal_id").first()
    now = timezone.now()
    if bundle.state != BundleState.REGISTERED or step is None or step.state == StepState.DONE:
        raise TransitionRefused(
            action="issue_without_personal_id", state=bundle.state, allowed=allowed_actions(bundle)
        )
    if step.deadline is None or step.deadline > now:
        raise ValidationFailed({"personal_id": ["Chỉ ghi nhận khi bước cấp số định danh đã quá hạn."]})
    bundle.extract_without_personal_id = True
    bundle.save(update_fields=["extract_without_personal_id", "updated_at"])
    _bundle_event(bundle, "bundle.issue_without_personal_id", actor=actor, data={"reason": reason})
    return bundle


def extract_is_complete(bundle: Bundle) -> bool:
    if bundle.group == Group.DEATH or bundle.extract_without_personal_id:
        return True
    return any(s.procedure == "personal_id" and s.state == StepState.DONE for s in bundle.steps.all())


@transaction.atomic
def bundle_sign(*, bundle: Bundle, actor) -> Bundle:
    """The leader signed the extract (the signing app calls this after a valid signature): the
    remaining steps become due."""
    bundle = _locked(bundle, actor=actor)
    loaded = _columns(bundle)
    _ensure_may("sign", actor=actor, bundle=bundle)
    if bundle.state == BundleState.REGISTERED and not extract_is_complete(bundle):
        raise ValidationFailed(
            {"personal_id": ["Trích lục chưa đủ: chưa có số định danh cá nhân của trẻ."]},
            "Chưa ký được trích lục.",
        )
    now = timezone.now()
    _transition(bundle, "sign", actor=actor)
    bundle.signed_at = now
    _save(bundle, loaded)
    _release_ready_steps(bundle, list(bundle.steps.all()), now)
    _on_commit(signals.bundle_signed, bundle=bundle)
    return bundle


@transaction.atomic
def bundle_close_partially(*, bundle: Bundle, actor, reason: str) -> Bundle:
    bundle = _locked(bundle, actor=actor)
    loaded = _columns(bundle)
    _ensure_may("close_partially", actor=actor, bundle=bundle)
    stuck = [s for s in bundle.steps.all() if s.state in (StepState.REJECTED, StepState.DEAD)]
    if bundle.state == BundleState.SIGNED and not stuck:
        raise ValidationFailed({"steps": ["Chỉ đóng một phần khi có bước bị từ chối hoặc gửi thất bại."]})
    _transition(bundle, "close_partially", actor=actor, reason=reason)
    bundle.closed_reason = reason
    bundle.completed_at = timezone.now()
    _save(bundle, loaded)
    return bundle


# --- steps --------------------------------------------------------------------------------------


def _release_ready_steps(bundle: Bundle, steps: list[Step], now: datetime) -> list[Step]:
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
            loaded = _columns(step)
            step.release()
            step.due_since = step.next_attempt_at = now
            step.deadline = calendar.deadline_from(now, step.time_limit_days)
            _save_step(step, loaded, bundle=bundle)
            released.append(step)
    if released:
        ids = [s.pk for s in released]
        transaction.on_commit(lambda: signals.step_due.send(sender=Step, step_ids=ids), robust=True)
    return released


def _locked_step(step_id: int) -> tuple[Bundle, Step]:
    """Lock the bundle first, then the step: every path that touches both takes them in this order,
    so two workers finishing two steps of one bundle queue instead of deadlocking."""
    bundle_id = Step.objects.filter(pk=step_id).values_list("bundle_id", flat=True).get()
    bundle = _locked(Bundle(pk=bundle_id))
    return bundle, Step.objects.select_for_update().get(pk=step_id)


def _step_event(bundle: Bundle, step: Step, action: str, **data) -> None:
    audit_record(
        stream=f"bundle:{bundle.public_id}",
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
            loaded = _columns(step)
            step.claim()
            step.attempts += 1
            step.lease_until = now + timedelta(seconds=lease_seconds)
            _save_step(
                step, loaded, bundle=None, update_fields=["state", "attempts", "lease_until", "updated_at"]
            )
            claimed.append((step.pk, step.attempts))
    return claimed


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
) -> bool:
    """Apply a delivery report to a step unless the attempt is fenced off: run ``transition``, set
    ``fields`` (the lease always ends), save and, when asked, record ``event`` on the bundle's trail."""
    bundle, step = _locked_step(step_id)
    if _fenced(step, attempt):
        return False
    loaded = _columns(step)
    getattr(step, transition)()
    for name, value in {"lease_until": None, **fields}.items():
        setattr(step, name, value)
    _save_step(step, loaded, bundle=bundle)
    if event:
        _step_event(bundle, step, event, **(event_data or {}))
    return True


@transaction.atomic
def step_mark_accepted(*, step_id: int, attempt: int, reference: str) -> bool:
    """The agency took the request (202) and will call back."""
    return _move_reported_step(
        step_id,
        attempt,
        "mark_accepted",
        reference=reference[:100],
        event="accepted",
        event_data={"reference": reference[:100]},
    )


@transaction.atomic
def step_schedule_retry(*, step_id: int, attempt: int, error: str, next_attempt_at: datetime) -> bool:
    return _move_reported_step(
        step_id, attempt, "retry_later", next_attempt_at=next_attempt_at, reason=error[:1000]
    )


@transaction.atomic
def step_mark_dead(*, step_id: int, attempt: int, error: str) -> bool:
    """Every attempt is spent: a person must look (and may replay once the cause is fixed)."""
    return _move_reported_step(
        step_id, attempt, "mark_dead", reason=error[:1000], event="dead", event_data={"error": error[:1000]}
    )


@transaction.atomic
def step_resend(*, step_id: int, reason: str) -> bool:
    """Reconciliation found that the agency does not know an accepted request: send it again (the
    same idempotency key makes that harmless)."""
    bundle, step = _locked_step(step_id)
    if step.state != StepState.ACCEPTED:
        return False
    loaded = _columns(step)
    step.resend()
    step.next_attempt_at, step.reason = timezone.now(), reason
    _save_step(step, loaded, bundle=bundle)
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
    loaded = _columns(step)
    refused = _apply_result(bundle, step, result)
    if refused:
        step.mark_rejected()
        step.reason, step.lease_until = refused, None
        _save_step(step, loaded, bundle=bundle)
        _step_event(bundle, step, "rejected", reason=refused)
        return step
    now = timezone.now()
    step.mark_done()
    step.result, step.done_at, step.lease_until, step.reason = result, now, None, ""
    if reference:
        step.reference = reference[:100]
    _save_step(step, loaded, bundle=bundle)
    _step_event(bundle, step, "done")
    step_pk, procedure = step.pk, step.procedure
    transaction.on_commit(
        lambda: signals.step_completed.send(sender=Step, bundle=bundle, step_id=step_pk, procedure=procedure),
        robust=True,
    )
    steps = list(bundle.steps.all())
    _release_ready_steps(bundle, steps, now)
    if bundle.state == BundleState.SIGNED and all(s.state == StepState.DONE for s in steps):
        bundle_loaded = _columns(bundle)
        _transition(bundle, "complete", actor=None)
        bundle.completed_at = now
        _save(bundle, bundle_loaded)
    if step.procedure != "personal_id":
        notify_requester(
            bundle=bundle,
            subject=f"Đã có kết quả: {step.get_procedure_label()}",
            body=f"Cơ quan {step.get_agency_display()} đã giải quyết xong bước "
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
    loaded = _columns(step)
    step.mark_rejected()
    step.reason, step.lease_until = reason[:1000], None
    _save_step(step, loaded, bundle=bundle)
    _step_event(bundle, step, "rejected", reason=step.reason)
    notify_requester(
        bundle=bundle,
        subject=f"Cần xử lý: {step.get_procedure_label()}",
        body=f"Cơ quan {step.get_agency_display()} chưa giải quyết được bước "
        f"“{step.get_procedure_label()}”: {step.reason}. Cán bộ UBND sẽ liên hệ Anh/Chị.",
    )
    return step


@transaction.atomic
def step_replay(*, step_id: int, actor) -> Step:
    """After the cause is fixed, a clerk sends a rejected or dead step again, with the same
    idempotency key; the attempt count starts afresh."""
    bundle, step = _locked_step(step_id)
    if actor is not None:
        _ensure_may("replay", actor=actor, bundle=bundle)
    loaded = _columns(step)
    source = step.state
    try:
        step.replay()
    except TransitionNotAllowed:
        raise TransitionRefused(action="replay", state=source, allowed=[]) from None
    step.next_attempt_at, step.attempts, step.reason = timezone.now(), 0, ""
    _save_step(step, loaded, bundle=bundle)
    _step_event(bundle, step, "replayed", by=getattr(actor, "username", "system"), previous=source)
    transaction.on_commit(lambda: signals.step_due.send(sender=Step, step_ids=[step.pk]), robust=True)
    return step


# --- supplements over time ----------------------------------------------------------------------


def supplements_process_due(*, now: datetime | None = None) -> dict[str, int]:
    """Remind citizens two working days before the supplement limit; reject bundles whose limit
    passed without an answer. Each bundle in its own transaction: one failure does not stop the rest."""
    now = now or timezone.now()
    reminded = rejected = 0
    for request in SupplementRequest.objects.filter(
        answered_at__isnull=True,
        expired_at__isnull=True,
        reminded_at__isnull=True,
        remind_at__lte=now,
        due_at__gt=now,
    ):
        with transaction.atomic():
            SupplementRequest.objects.filter(pk=request.pk).update(reminded_at=now)
            notify_requester(
                bundle=request.bundle,
                subject="Nhắc bổ sung hồ sơ",
                body="Hồ sơ của Anh/Chị đang chờ bổ sung. "
                f"Hạn cuối: {timezone.localtime(request.due_at):%d/%m/%Y}.",
            )
            audit_record(
                stream=f"bundle:{request.bundle.public_id}",
                action="bundle.supplement_reminder",
                object_type="bundle",
                object_id=request.bundle.code,
            )
        reminded += 1
    for request in SupplementRequest.objects.filter(
        answered_at__isnull=True, expired_at__isnull=True, due_at__lte=now
    ).select_related("bundle"):
        with transaction.atomic():
            bundle_reject(
                bundle=request.bundle,
                actor=None,
                reason="Quá thời hạn bổ sung hồ sơ mà không nhận được thông tin bổ sung.",
            )
            SupplementRequest.objects.filter(pk=request.pk).update(expired_at=now)
        rejected += 1
    return {"reminded": reminded, "rejected": rejected}


# --- corrections --------------------------------------------------------------------------------


@transaction.atomic
def correction_request(*, bundle: Bundle, actor, changes: dict, reason: str) -> Correction:
    bundle = _locked(bundle, actor=actor)
    _ensure_may("request_correction", actor=actor, bundle=bundle)
    _require_state(bundle, "request_correction", REGISTERED_STATES)
    if bundle.corrections.filter(state=CorrectionState.REQUESTED).exists():
        raise ValidationFailed({"changes": ["Hồ sơ đang có một yêu cầu cải chính chờ quyết định."]})
    correction = Correction.objects.create(bundle=bundle, changes=changes, reason=reason, requested_by=actor)
    audit_record(
        stream=f"bundle:{bundle.public_id}",
        action="bundle.correction_requested",
        actor=actor,
        object_type="bundle",
        object_id=bundle.code,
        data={"fields": sorted(changes), "reason": reason},
    )
    return correction


@transaction.atomic
def correction_decide(
    *, bundle: Bundle, actor, approve: bool, note: str = "", changes: dict | None = None
) -> Correction:
    """Approve (applying ``changes``, the validated form of the request) or refuse a correction."""
    bundle = _locked(bundle, actor=actor)
    _ensure_may("decide_correction", actor=actor, bundle=bundle)
    correction = bundle.corrections.select_for_update().filter(state=CorrectionState.REQUESTED).first()
    if correction is None:
        raise TransitionRefused(
            action="decide_correction", state=bundle.state, allowed=allowed_actions(bundle)
        )
    if approve:
        _persist(bundle, changes or {})
    correction.state = CorrectionState.APPROVED if approve else CorrectionState.REFUSED
    correction.decided_by, correction.decided_at, correction.decision_note = actor, timezone.now(), note
    correction.save()
    audit_record(
        stream=f"bundle:{bundle.public_id}",
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


# --- attachments --------------------------------------------------------------------------------

ALLOWED_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def sniff_content_type(head: bytes) -> str | None:
    return next((kind for magic, kind in ALLOWED_SIGNATURES.items() if head.startswith(magic)), None)


@transaction.atomic
def attachment_add(*, bundle: Bundle, actor, kind: str, upload) -> Attachment:
    """Store one scan privately. The type is recognised from the content, never from the name."""
    bundle = _locked(bundle, actor=actor, declaration=False)
    _ensure_may("attach", actor=actor, bundle=bundle)
    _require_state(bundle, "attach", OPEN_STATES)
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    if content_type is None:
        raise ValidationFailed({"file": ["Chỉ nhận tệp PDF, JPEG hoặc PNG (nhận biết theo nội dung tệp)."]})
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    attachment = Attachment(
        bundle=bundle,
        kind=kind,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        original_name=(upload.name or "")[:200],
        uploaded_by=actor,
    )
    # The stored name reveals nothing about the person: a random id and the detected extension.
    attachment.file.save(f"{attachment.public_id}.{extension}", upload, save=False)
    attachment.save()
    return attachment


# --- who looked -----------------------------------------------------------------------------------


def personal_data_viewed(*, bundle: Bundle, actor, what: str) -> None:
    """Decree 13/2023: every look by staff at a family's personal data is on record, in the staff
    member's own audit stream (the bundle's history stays about the bundle). A citizen reading their
    own bundle is not recorded."""
    if actor.pk == bundle.owner_id:
        return
    audit_record(
        stream=f"user:{actor.pk}",
        action="personal_data.view",
        actor=actor,
        object_type="bundle",
        object_id=bundle.code or bundle.public_id,
        data={"what": what},
    )


def personal_data_searched(*, actor, results: int) -> None:
    """A staff search over names and numbers: the count of bundles shown, never the search text (it
    may be a personal ID number)."""
    audit_record(
        stream=f"user:{actor.pk}",
        action="personal_data.search",
        actor=actor,
        object_type="search",
        data={"results": results},
    )


# --- retention ----------------------------------------------------------------------------------

CLOSED_STATES = (
    BundleState.COMPLETED,
    BundleState.PARTIALLY_COMPLETED,
    BundleState.REJECTED,
    BundleState.WITHDRAWN,
)


def attachments_purge(*, retention_days: int, now: datetime | None = None) -> int:
    """Delete the scans of bundles closed more than ``retention_days`` ago (Decree 13/2023: kept no
    longer than needed). The civil-status record itself — the bundle, its people, its registration
    and extract — is permanent and untouched; the attachment row keeps its kind, size and hash."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days)
    closed_before = Q(bundle__completed_at__lt=cutoff) | Q(
        bundle__completed_at=None, bundle__updated_at__lt=cutoff
    )
    expired = Attachment.objects.filter(purged_at=None, bundle__state__in=CLOSED_STATES).filter(closed_before)
    storage = Attachment._meta.get_field("file").storage
    purged = 0
    for pk, name in expired.values_list("pk", "file").iterator(chunk_size=500):
        with transaction.atomic():
            Attachment.objects.filter(pk=pk).update(purged_at=now, file="")
            if name:  # the file goes only once the row says so: a crash leaves a file, never a lie
                transaction.on_commit(lambda name=name: storage.delete(name))
        purged += 1
    return purged


# --- at the one-stop counter ---------------------------------------------------------------------


@transaction.atomic
def bundle_start_at_counter(*, clerk, citizen, group: str) -> Bundle:
    """A draft owned by the citizen whose identity the clerk just confirmed at the counter, filled in
    by the clerk with them. It is the citizen's bundle: in their "My bundles", withdrawn or
    supplemented only by them; its history names the assisting clerk."""
    if clerk.role != Role.WARD_CLERK or not clerk.ward_id:
        raise NotPermitted("Chỉ công chức một cửa của xã, phường nộp thay tại quầy.")
    bundle = bundle_create_draft(owner=citizen, data={"group": group, "procedures": []})
    bundle.origin, bundle.assisted_by = Origin.COUNTER, clerk
    bundle.save(update_fields=["origin", "assisted_by"])
    _bundle_event(
        bundle, "bundle.counter_assisted", actor=clerk, data={"clerk": clerk.full_name, "ward": clerk.ward_id}
    )
    return bundle


# --- proactive registration -----------------------------------------------------------------------


def _proactive_switched_on(certificate: MedicalCertificate, today: date) -> bool:
    return rules.proactive_registration_on(
        province=province_of(certificate.facility.ward_id),
        day=today,
        start=date.fromisoformat(settings.PROACTIVE_REGISTRATION_FROM),
        provinces=settings.PROACTIVE_REGISTRATION_PROVINCES,
    )


def proactive_death_notice(*, certificate: MedicalCertificate, today: date | None = None) -> list[User]:
    """Where switched on: the relatives the portal knows of a person whose death notice arrived (the
    citizens whose own bundles name that person, such as a child's birth registration) are told how
    to file the death registration. Nothing is started for them."""
    if certificate.kind != CertificateKind.DEATH or not certificate.subject_id_hmac:
        return []
    if not _proactive_switched_on(certificate, today or timezone.localdate()):
        return []
    relatives = list(
        User.objects.filter(
            role=Role.CITIZEN,
            is_active=True,
            bundles__people__id_number_hmac=certificate.subject_id_hmac,
        )
        .exclude(id_number_hmac=certificate.subject_id_hmac)
        .distinct()
    )
    for relative in relatives:
        account_notice = (
            f"{certificate.facility.name} đã gửi giấy báo tử điện tử số {certificate.number} của "
            f"{certificate.subject_full_name}. Xin chia buồn cùng gia đình.\n"
            "Anh/Chị có thể đăng ký khai tử và các thủ tục liên quan tại "
            f"{settings.SITE_URL}/nop-ho-so/khai-tu/ với số giấy báo tử trên; không cần đính kèm bản chụp."
        )
        audit_record(
            stream=f"user:{relative.pk}",
            action="death_notice.relative_told",
            object_type="death_notice",
            object_id=certificate.number,
        )
        if relative.email:
            mail_after_commit(
                to=relative.email, subject="Giấy báo tử điện tử đã được gửi tới cổng", body=account_notice
            )
    return relatives


@transaction.atomic
def proactive_birth_draft(*, certificate: MedicalCertificate, today: date | None = None) -> Bundle | None:
    """Law 03/2026/QH16, where switched on: a medical birth certificate for a mother who has an e-ID
    account becomes a draft birth bundle in her "My bundles", prefilled from the certificate and her
    account, and she is told. Nothing is filed: she chooses the procedures, completes, and submits."""
    facility = certificate.facility
    switched_on = _proactive_switched_on(certificate, today or timezone.localdate())
    if certificate.kind != CertificateKind.BIRTH or not switched_on or not certificate.subject_id_hmac:
        return None
    mother = User.objects.filter(
        role=Role.CITIZEN, is_active=True, id_number_hmac=certificate.subject_id_hmac
    ).first()
    if (
        mother is None
        or Bundle.objects.filter(
            owner=mother, birth__medical_birth_certificate_number=certificate.number
        ).exists()
    ):
        return None
    # The certificate was matched to her by its mother's personal ID number.
    prefill = certificate_prefill(certificate)
    serializer = DeclarationSerializer(
        data={
            "group": Group.BIRTH,
            "procedures": [],
            "requester": {"relationship": "mother"},
            "mother": {
                "full_name": mother.full_name,
                "date_of_birth": mother.date_of_birth,
                "sex": "female",
                "id_number": mother.id_number,
            },
            "child": prefill["child"],
            "birth": {**prefill["birth"], "medical_birth_certificate_number": certificate.number},
        }
    )
    serializer.is_valid(raise_exception=True)
    bundle = bundle_create_draft(owner=mother, data=serializer.validated_data)
    bundle.origin = Origin.PROACTIVE
    bundle.save(update_fields=["origin"])
    _bundle_event(
        bundle, "bundle.proactive_draft", data={"facility": facility.code, "certificate": certificate.number}
    )
    if mother.email:
        body = (
            f"{facility.name} đã gửi giấy chứng sinh điện tử số {certificate.number} của con chị tới Cổng "
            "dịch vụ công liên thông. Hồ sơ khai sinh đã được chuẩn bị sẵn trong mục “Hồ sơ của tôi”.\n"
            "Chưa có gì được nộp: chị kiểm tra thông tin, chọn các thủ tục đi kèm và bấm Nộp khi sẵn sàng."
        )
        mail_after_commit(to=mother.email, subject="Hồ sơ khai sinh đã được chuẩn bị sẵn", body=body)
    return bundle
