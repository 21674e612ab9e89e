"""Entering a bundle in the ward's book, and the leader's signature that lets the agencies' steps go."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import signals
from ..constants import REGISTRATION_PROCEDURE, Book, BundleState, CertificateKind, Group, StepState
from ..exceptions import DuplicateRegistration, TransitionRefused, ValidationFailed
from ..facilities.checks import KINDS
from ..models import Bundle, CertificateUse, RegistrationCounter
from .changes import announce_on_commit, bundle_event, columns_of, locked, save_bundle, save_step, transition
from .guards import allowed_actions, ensure_may
from .outbox import release_ready_steps


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
    bundle = locked(bundle, actor=actor)
    loaded = columns_of(bundle)
    ensure_may("register", actor=actor, bundle=bundle)
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
    transition(
        bundle,
        "register",
        actor=actor,
        extra={"number": bundle.registration_number, "book": bundle.registration_book},
    )
    save_bundle(bundle, loaded)
    steps = list(bundle.steps.all())
    registration = next(s for s in steps if s.procedure == REGISTRATION_PROCEDURE[bundle.group])
    step_loaded = columns_of(registration)
    registration.mark_done()
    registration.done_at = now
    registration.result = {
        "registration_number": bundle.registration_number,
        "book": bundle.registration_book,
    }
    save_step(registration, step_loaded, bundle=bundle)
    release_ready_steps(bundle, steps, now)
    announce_on_commit(signals.bundle_registered, bundle=bundle)
    return bundle


@transaction.atomic
def bundle_issue_without_personal_id(*, bundle: Bundle, actor, reason: str) -> Bundle:
    """When the personal ID number is overdue the clerk may let the extract be signed without it; the
    extract is re-issued when the number arrives."""
    bundle = locked(bundle, actor=actor)
    ensure_may("issue_without_personal_id", actor=actor, bundle=bundle)
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
    bundle_event(bundle, "bundle.issue_without_personal_id", actor=actor, data={"reason": reason})
    return bundle


def extract_is_complete(bundle: Bundle) -> bool:
    if bundle.group == Group.DEATH or bundle.extract_without_personal_id:
        return True
    return any(s.procedure == "personal_id" and s.state == StepState.DONE for s in bundle.steps.all())


@transaction.atomic
def bundle_sign(*, bundle: Bundle, actor) -> Bundle:
    """The leader signed the extract (the signing app calls this after a valid signature): the
    remaining steps become due."""
    bundle = locked(bundle, actor=actor)
    loaded = columns_of(bundle)
    ensure_may("sign", actor=actor, bundle=bundle)
    if bundle.state == BundleState.REGISTERED and not extract_is_complete(bundle):
        raise ValidationFailed(
            {"personal_id": ["Trích lục chưa đủ: chưa có số định danh cá nhân của trẻ."]},
            "Chưa ký được trích lục.",
        )
    now = timezone.now()
    transition(bundle, "sign", actor=actor)
    bundle.signed_at = now
    save_bundle(bundle, loaded)
    release_ready_steps(bundle, list(bundle.steps.all()), now)
    announce_on_commit(signals.bundle_signed, bundle=bundle)
    return bundle


@transaction.atomic
def bundle_close_partially(*, bundle: Bundle, actor, reason: str) -> Bundle:
    bundle = locked(bundle, actor=actor)
    loaded = columns_of(bundle)
    ensure_may("close_partially", actor=actor, bundle=bundle)
    stuck = [s for s in bundle.steps.all() if s.state in (StepState.REJECTED, StepState.DEAD)]
    if bundle.state == BundleState.SIGNED and not stuck:
        raise ValidationFailed({"steps": ["Chỉ đóng một phần khi có bước bị từ chối hoặc gửi thất bại."]})
    transition(bundle, "close_partially", actor=actor, reason=reason)
    bundle.closed_reason = reason
    bundle.completed_at = timezone.now()
    save_bundle(bundle, loaded)
    return bundle
