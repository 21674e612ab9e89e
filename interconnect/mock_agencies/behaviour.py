"""How the mock agencies act: knobs, deterministic faults, the effects they produce and the callbacks
they send later."""

from __future__ import annotations

import json
import logging
import random
import threading
from datetime import date, timedelta

import requests
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from portal.common import signatures
from portal.common.identifiers import LEGACY_PROVINCE_CODES, personal_id_century_digit
from registrations.benefits import funeral_amount

from .models import MockCallback, MockKnobs, MockRequest

logger = logging.getLogger("interconnect.mock")

DEFAULT_KNOBS = {
    "latency_ms": 0,
    "error_rate": 0.0,
    "timeout_rate": 0.0,
    "timeout_seconds": 15.0,
    "accept_rate": 0.0,  # share answered 202 and completed later by callback
    "callback_delay_ms": 500,
    "drop_callbacks": False,  # accept but never call back: reconciliation must find the result
    "reject_rate": 0.0,
    "personal_id_delay_ms": 0,  # a slow population database
    "fail_first": 0,  # fail the first k tries of every key …
    "fail_first_mode": "500",  # … with a 500, a "timeout", or "mixed" (alternating)
    "processing_stale_seconds": 60.0,
    # Share of residence registrations the police must verify: answered 202 with verification_needed.
    "residence_verification_rate": 0.0,
}
PROCEDURES = {
    "police": {"personal_id", "permanent_residence", "child_id_card", "residence_removal"},
    "social_insurance": {"health_insurance", "funeral_allowance"},
    "labour": {"funeral_allowance"},
}


def knobs() -> dict:
    row = MockKnobs.objects.filter(pk=1).first()
    return {**DEFAULT_KNOBS, **getattr(settings, "MOCK_AGENCY_KNOBS", {}), **(row.knobs if row else {})}


def set_knobs(values: dict) -> dict:
    unknown = set(values) - set(DEFAULT_KNOBS)
    if unknown:
        raise ValueError(f"unknown knobs: {', '.join(sorted(unknown))}")
    MockKnobs.objects.update_or_create(pk=1, defaults={"knobs": values})
    return knobs()


def chance(key, attempt: int, salt: str) -> float:
    """A repeatable draw per key, try and purpose, so a failing test can be replayed exactly."""
    return random.Random(f"{key}:{attempt}:{salt}").random()  # noqa: S311 - simulation


def fault_for(key, attempt: int, k: dict) -> str | None:
    """'500', 'timeout' or None for this try of this key."""
    if attempt <= k["fail_first"]:
        mode = k["fail_first_mode"]
        return ("500" if attempt % 2 else "timeout") if mode == "mixed" else mode
    if chance(key, attempt, "error") < k["error_rate"]:
        return "500"
    if chance(key, attempt, "timeout") < k["timeout_rate"]:
        return "timeout"
    return None


# --- effects ------------------------------------------------------------------------------------


def _digits(key, n: int) -> str:
    return f"{int(key.hex[:12], 16) % 10**n:0{n}d}"


def produce(request: MockRequest) -> dict:
    """The agency's result for a request it accepts."""
    payload, key, today = request.payload, request.idempotency_key, timezone.localdate()
    procedure = request.procedure
    if procedure == "personal_id":
        from portal.divisions.models import Ward

        child = payload["child"]
        born = date.fromisoformat(child["date_of_birth"])
        ward = (
            Ward.objects.filter(code=child.get("place_of_birth_ward"))
            .values_list("province_id", flat=True)
            .first()
        )
        prefix = f"{ward:03d}" if ward and f"{ward:03d}" in LEGACY_PROVINCE_CODES else "001"
        century = personal_id_century_digit(year=born.year, sex=child["sex"])
        return {"personal_id": f"{prefix}{century}{born.year % 100:02d}{_digits(key, 6)}"}
    if procedure == "permanent_residence":
        return {"confirmation_number": f"TT-{request.reference}", "registered_on": today.isoformat()}
    if procedure == "health_insurance":
        born = date.fromisoformat(payload["child"]["date_of_birth"])
        valid_to = born + relativedelta(years=6) - timedelta(days=1)
        return {
            "card_number": _digits(key, 10),
            "valid_from": today.isoformat(),
            "valid_to": valid_to.isoformat(),
            "primary_care_facility": payload["primary_care_facility"],
        }
    if procedure == "child_id_card":
        delivery = payload["delivery"]
        result = {
            "card_number": payload["child"]["personal_id"],
            "issued_on": today.isoformat(),
            "delivery_method": delivery["method"],
        }
        if delivery["method"] == "post":
            result["postal_tracking"] = f"VN{_digits(key, 9)}"
        return result
    if procedure == "residence_removal":
        return {"confirmation_number": f"XTT-{request.reference}", "removed_on": today.isoformat()}
    if procedure == "funeral_allowance":
        regime = payload["regime"]
        # As the agency decides it: the amount the law sets for the date of death.
        amount = funeral_amount(regime=regime, day=date.fromisoformat(payload["date_of_death"]))
        result = {
            "decision_number": f"QĐ-{request.reference}",
            "amount_vnd": amount.amount_vnd,
            "legal_basis": amount.legal_basis,
            "payee": payload["beneficiary"]["full_name"],
            "payment_reference": f"CK{_digits(key, 10)}",
        }
        survivor = payload["survivor_benefit"]
        if survivor["requested"] and regime == "social_insurance":
            result["survivor_benefit"] = {
                "decision_number": f"QĐT-{request.reference}",
                "form": survivor["preferred_form"],
                "beneficiaries": [s["full_name"] for s in survivor["survivors"]],
            }
        return result
    raise ValueError(procedure)


# --- callbacks ----------------------------------------------------------------------------------

_pump_lock = threading.Lock()
_pump_started = False
# Set when this process schedules a callback, so the pump sends it when due instead of at its next poll.
_pump_wake = threading.Event()
IDLE_POLL_SECONDS = 0.2  # callbacks another process scheduled are found within this


def schedule_callback(request: MockRequest, k: dict) -> None:
    if k["drop_callbacks"]:
        return
    MockCallback.objects.create(
        request=request, due_at=timezone.now() + timedelta(milliseconds=k["callback_delay_ms"])
    )
    ensure_pump()
    transaction.on_commit(_pump_wake.set)


def ensure_pump() -> None:
    """Start this process's callback sender once. Tests switch the thread off and call ``pump_once``
    themselves, so nothing outlives a test's database."""
    global _pump_started
    if not getattr(settings, "MOCK_AGENCY_CALLBACK_THREAD", True):
        return
    with _pump_lock:
        if not _pump_started:
            threading.Thread(target=_pump_forever, name="mock-agency-callbacks", daemon=True).start()
            _pump_started = True


def _pump_forever() -> None:
    while True:
        _pump_wake.clear()
        try:
            close_old_connections()
            sent = pump_once()
            pause = 0 if sent else _until_next_due()
        except Exception:  # noqa: BLE001 - the pump must outlive a database or network hiccup
            logger.exception("mock.callbacks.pump_failed")
            pause = IDLE_POLL_SECONDS
        if pause:
            _pump_wake.wait(pause)


def _until_next_due() -> float:
    """Seconds to sleep: until the next unsent callback is due, at most the idle poll."""
    due = (
        MockCallback.objects.filter(sent_at__isnull=True).order_by("due_at").values_list("due_at", flat=True)
    )
    first = due.first()
    if first is None:
        return IDLE_POLL_SECONDS
    return min(IDLE_POLL_SECONDS, max(0.005, (first - timezone.now()).total_seconds()))


def _callback_session() -> requests.Session:
    """The pump's kept-alive connection to the portal, as an agency's sender would keep one."""
    global _session
    if _session is None:
        _session = requests.Session()
    return _session


_session: requests.Session | None = None


def pump_once() -> int:
    """Send the callbacks that are due; returns how many were attempted."""
    with transaction.atomic():
        due = list(
            MockCallback.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, due_at__lte=timezone.now())
            .select_related("request")[:20]
        )
        now = timezone.now()
        for callback in due:  # claim them for a few seconds so another process does not send them too
            callback.due_at = now + timedelta(seconds=5)
            callback.save(update_fields=["due_at"])
    for callback in due:
        request = callback.request
        body = json.dumps(
            {
                "idempotency_key": str(request.idempotency_key),
                "status": request.status,
                "result": request.result,
                "reason": request.reason,
                "reference": request.reference,
            },
            ensure_ascii=False,
        ).encode()
        secret = settings.AGENCIES[request.agency]["secrets"][0]
        headers = {"Content-Type": "application/json", **signatures.signed_headers(secret=secret, body=body)}
        try:
            status = (
                _callback_session()
                .post(request.callback_url, data=body, headers=headers, timeout=10)
                .status_code
            )
        except requests.RequestException:
            status = None
        callback.tries += 1
        callback.last_status = status
        if status in (200, 404, 409):
            callback.sent_at = timezone.now()
        else:
            callback.due_at = timezone.now() + timedelta(seconds=min(30, 2**callback.tries))
        callback.save()
    return len(due)
