"""The core's one door for interconnect: what a step sends to its agency, as a small data object.
Interconnect reads nothing else of a bundle to deliver it, and reports back through the step services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from .declaration import declaration_of
from .payload_schemas import SCHEMA_VERSION, payload_errors
from .payloads import BUILDERS, PayloadError
from .selectors import step_for_delivery


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
