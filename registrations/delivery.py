"""The core's one door for interconnect: what a step sends to its agency, as a small data object.
Interconnect reads nothing else of a bundle to deliver it, and reports back through the step services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .catalogues import catalogue_on
from .declaration import declaration_of
from .payload_schemas import SCHEMA_VERSION, payload_errors
from .payloads import BUILDERS, PayloadError
from .selectors import result_documents, step_for_delivery


@dataclass(frozen=True)
class Delivery:
    """One step as its agency receives it. ``problem`` says why it cannot be sent (the bundle lacks
    what the agency needs): a person must correct the bundle; sending again would not help."""

    step_id: int
    key: uuid.UUID  # the Idempotency-Key: the same for every try of the step
    agency: str
    procedure: str
    state: str
    attempts: int
    bundle_code: str
    schema_version: str
    payload: dict
    problem: str = ""
    due_at: datetime | None = None  # when this try became due: where the step's trace starts


def step_delivery(*, step_id: int) -> Delivery:
    step = step_for_delivery(step_id)
    payload, problem = {}, ""
    try:
        payload = BUILDERS[step.procedure](step, declaration_of(step.bundle))
    except PayloadError as exc:
        problem = str(exc)
    else:
        errors = payload_errors(step.procedure, payload)
        if errors:
            problem = "Dữ liệu gửi cơ quan chưa hợp lệ: " + "; ".join(errors)
    return Delivery(
        step_id=step.pk,
        key=step.idempotency_key,
        agency=step.agency,
        procedure=step.procedure,
        state=step.state,
        attempts=step.attempts,
        bundle_code=step.bundle.code,
        schema_version=SCHEMA_VERSION,
        payload=payload,
        problem=problem,
        due_at=step.next_attempt_at,
    )


@dataclass(frozen=True)
class DossierView:
    """A bundle as the National Public Service Portal follows it: its codes, dates and results, and
    nothing of the people in it. A dossier refused at intake has only its codes and ward."""

    bundle_id: int | None
    origin: str
    national_code: str  # MaTTHC of the group in the bundle's catalogue version
    ward_id: int | None
    procedure_title: str = ""
    submitted_at: datetime | None = None
    clock_started_at: datetime | None = None
    due_at: datetime | None = None
    completed_at: datetime | None = None
    registration_number: int | None = None
    registration_book: str = ""
    extract_title: str = ""
    supplement_due: datetime | None = None
    results: tuple[dict, ...] = ()


def bundle_dossier(bundle, *, with_results: bool = False) -> DossierView:
    """The bundle as already loaded (a transition's receiver holds it locked); the catalogue comes from
    the process cache, the open supplement from one small read, the results only when asked."""
    day = timezone.localdate(bundle.submitted_at or timezone.now())
    rule = catalogue_on(day=day, group=bundle.group).rule
    supplement = (
        bundle.supplements.filter(answered_at__isnull=True, expired_at__isnull=True)
        .values_list("due_at", flat=True)
        .first()
        if bundle.state == "awaiting_citizen"
        else None
    )
    return DossierView(
        bundle_id=bundle.pk,
        origin=bundle.origin,
        national_code=rule.national_code,
        ward_id=bundle.ward_id,
        procedure_title=rule.title,
        submitted_at=bundle.submitted_at,
        clock_started_at=bundle.clock_started_at,
        due_at=bundle.due_at,
        completed_at=bundle.completed_at,
        registration_number=bundle.registration_number,
        registration_book=bundle.registration_book or "",
        extract_title=rule.extract_title,
        supplement_due=supplement,
        results=tuple(result_documents(bundle)) if with_results else (),
    )
