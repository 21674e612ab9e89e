"""The relay and everything it says to agencies. State changes of steps go through
``registrations.services``; this module owns the conversation: payloads, signatures, attempts,
the message log, callbacks and reconciliation."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.utils import timezone

from portal.common import signatures
from portal.common.jsonbody import parse_json
from portal.common.tally import tally
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.constants import StepState
from registrations.delivery import step_delivery
from registrations.exceptions import ValidationFailed

from .adapters import adapter_for
from .models import Attempt, Direction, MessageLog, Outcome

logger = logging.getLogger("interconnect")
_local = threading.local()
REDACTED_HEADERS = {"x-signature", "authorization", "cookie"}


def setting(name: str):
    """One of the relay's settings (INTERCONNECT in settings, from the environment)."""
    return settings.INTERCONNECT[name]


def _http() -> requests.Session:
    """This thread's HTTP client: each delivery thread keeps its own kept-alive connections."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def backoff_delay(attempt: int, *, base: float | None = None, cap: float | None = None) -> float:
    """Exponential backoff with jitter: spreads retries of many steps after an outage. The relay's
    base and cap unless given (the national portal's relay has its own)."""
    base = setting("backoff_base") if base is None else base
    cap = setting("backoff_cap") if cap is None else cap
    ceiling = min(cap, base * (2 ** max(attempt - 1, 0)))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


def _safe_headers(headers) -> dict:
    return {k: ("[redacted]" if k.lower() in REDACTED_HEADERS else v) for k, v in dict(headers).items()}


def log_message(
    *,
    direction: str,
    kind: str,
    agency: str,
    step_id: int | None,
    correlation_id: str,
    body: bytes,
    method: str = "",
    path: str = "",
    status_code: int | None = None,
    headers=None,
) -> None:
    MessageLog.objects.create(
        direction=direction,
        kind=kind,
        agency=agency,
        step_id=step_id,
        correlation_id=correlation_id,
        method=method,
        path=path[:300],
        status_code=status_code,
        body_sha256=signatures.body_hash(body),
        body_bytes=len(body),
        headers=_safe_headers(headers or {}),
    )


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    body: dict
    error: str
    latency_ms: int
    answered_at: datetime | None = None


def _post(*, agency, url: str, body: bytes, headers: dict, step_id: int, correlation_id: str) -> Answer:
    log_message(
        direction=Direction.OUT,
        kind="request",
        agency=agency,
        step_id=step_id,
        correlation_id=correlation_id,
        body=body,
        method="POST",
        path=url,
        headers=headers,
    )
    started = time.monotonic()
    try:
        response = _http().post(
            url, data=body, headers=headers, timeout=(setting("connect_timeout"), setting("read_timeout"))
        )
    except requests.Timeout:
        return Answer(None, {}, "timeout", int((time.monotonic() - started) * 1000))
    except requests.RequestException as exc:
        return Answer(
            None, {}, f"connection error: {exc.__class__.__name__}", int((time.monotonic() - started) * 1000)
        )
    latency, answered_at = int((time.monotonic() - started) * 1000), timezone.now()
    log_message(
        direction=Direction.IN,
        kind="response",
        agency=agency,
        step_id=step_id,
        correlation_id=correlation_id,
        body=response.content,
        status_code=response.status_code,
        headers=response.headers,
    )
    try:
        parsed = response.json()
    except ValueError:
        parsed = {}
    return Answer(response.status_code, parsed if isinstance(parsed, dict) else {}, "", latency, answered_at)


def step_deliver(*, step_id: int, attempt: int, claimed_at: datetime | None = None) -> str:
    """Send one claimed step to its agency and record what happened. Returns the outcome. The attempt
    row keeps the try's trace: due, claimed by the relay, sent, answered, recorded (and, for a 202,
    the result's arrival by callback or reconciliation)."""
    delivery = step_delivery(step_id=step_id)
    if delivery.state != StepState.SENDING or delivery.attempts != attempt:
        return "stale"  # another worker owns this step now
    if delivery.problem:
        bundle_services.step_record_rejection(step_id=step_id, reason=delivery.problem, attempt=attempt)
        return Outcome.REJECTED
    adapter = adapter_for(delivery.agency)
    body = json.dumps(adapter.envelope(delivery), ensure_ascii=False, sort_keys=True).encode()
    correlation_id = uuid.uuid4().hex
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": str(delivery.key),
        "X-Correlation-ID": correlation_id,
        **signatures.signed_headers(secret=adapter.secrets[0], body=body),
    }
    # The attempt is written before the request leaves, so a worker killed mid-send still leaves a
    # trace of the try (its outcome stays "sending").
    record = Attempt.objects.create(
        step_id=step_id,
        number=attempt,
        agency=delivery.agency,
        due_at=delivery.due_at,
        claimed_at=claimed_at,
        started_at=timezone.now(),
        outcome=Outcome.SENDING,
        request_sha256=signatures.body_hash(body),
        correlation_id=correlation_id,
    )
    answer = _post(
        agency=delivery.agency,
        url=f"{adapter.base_url}/requests/",
        body=body,
        headers=headers,
        step_id=step_id,
        correlation_id=correlation_id,
    )
    outcome, error = _settle(step_id=step_id, attempt=attempt, answer=answer)
    Attempt.objects.filter(pk=record.pk).update(
        latency_ms=answer.latency_ms,
        status_code=answer.status_code,
        outcome=outcome,
        error=error[:2000],
        answered_at=answer.answered_at,
        recorded_at=timezone.now(),
    )
    logger.info(
        "interconnect.step.sent",
        extra={
            "step": step_id,
            "attempt": attempt,
            "outcome": outcome,
            "status": answer.status_code,
            "latency_ms": answer.latency_ms,
        },
    )
    return outcome


def _settle(*, step_id: int, attempt: int, answer: Answer) -> tuple[str, str]:
    code, body = answer.status_code, answer.body
    result = body.get("result") or {}
    malformed = ""
    if code == 200 and body.get("status") == "done" and isinstance(result, dict):
        try:
            bundle_services.step_record_result(
                step_id=step_id, result=result, reference=str(body.get("reference", "")), attempt=attempt
            )
            return Outcome.DONE, ""
        except ValidationFailed as exc:  # nothing was stored; asking again may get a proper answer
            malformed = (
                "HTTP 200: kết quả không đúng lược đồ: " + "; ".join(exc.errors.get("result", []))[:300]
            )
    if code == 202:
        bundle_services.step_mark_accepted(
            step_id=step_id,
            attempt=attempt,
            reference=str(body.get("reference", "")),
            verification_needed=body.get("verification_needed") is True,
        )
        return Outcome.ACCEPTED, ""
    if code == 422:
        reason = str(body.get("reason") or "Cơ quan từ chối yêu cầu.")
        bundle_services.step_record_rejection(step_id=step_id, reason=reason, attempt=attempt)
        return Outcome.REJECTED, reason
    if code == 409:
        # The same key is still being processed there: ask again soon, it costs no attempt budget.
        error = "request in flight at the agency"
        bundle_services.step_schedule_retry(
            step_id=step_id,
            attempt=attempt,
            error=error,
            next_attempt_at=timezone.now() + timedelta(seconds=backoff_delay(1)),
        )
        return Outcome.IN_FLIGHT, error
    error = (
        malformed
        or answer.error
        or (f"HTTP {code}: kết quả không phải đối tượng JSON" if code == 200 else f"HTTP {code}")
    )
    if attempt >= setting("max_attempts"):
        bundle_services.step_mark_dead(step_id=step_id, attempt=attempt, error=error)
        return Outcome.DEAD, error
    bundle_services.step_schedule_retry(
        step_id=step_id,
        attempt=attempt,
        error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=backoff_delay(attempt)),
    )
    return Outcome.RETRY, error


def relay_claim(*, now: datetime | None = None) -> list[tuple[int, int]]:
    return bundle_services.steps_claim_due(
        limit=setting("relay_batch"), lease_seconds=setting("lease_seconds"), now=now
    )


def attempt_result_arrived(*, step_id: int) -> None:
    """A 202'd step's result came (callback or reconciliation): the end of its attempt's trace."""
    Attempt.objects.filter(step_id=step_id, outcome=Outcome.ACCEPTED, result_at__isnull=True).update(
        result_at=timezone.now()
    )


def delivery_probe(*, url: str, body_bytes: int, agency: str, counter: str) -> int:
    """What a delivery costs on the wire alone: a body of the same size, signed with the same headers,
    through the same HTTP client and kept-alive connection, to an endpoint that answers without a
    database. `make bench` compares the pipeline with it."""
    body = json.dumps({"padding": "x" * max(body_bytes - 16, 0)}).encode()
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
        "X-Correlation-ID": uuid.uuid4().hex,
        **signatures.signed_headers(secret=adapter_for(agency).secrets[0], body=body),
    }
    status = _http().post(url, data=body, headers=headers, timeout=setting("read_timeout")).status_code
    tally(counter)
    return status


# --- reconciliation -----------------------------------------------------------------------------


def reconcile(*, now: datetime | None = None) -> dict[str, int]:
    """Accepted steps whose callback has not come within the grace period: ask the agency."""
    now = now or timezone.now()
    counts = {"done": 0, "rejected": 0, "resent": 0, "waiting": 0, "error": 0}
    threshold = now - timedelta(seconds=setting("accepted_grace_seconds"))
    for step in bundle_selectors.steps_accepted_before(threshold)[:500]:
        adapter = adapter_for(step.agency)
        correlation_id = uuid.uuid4().hex
        path = f"{adapter.base_url}/requests/{step.idempotency_key}"
        headers = {
            "X-Correlation-ID": correlation_id,
            **signatures.signed_headers(secret=adapter.secrets[0], body=b""),
        }
        log_message(
            direction=Direction.OUT,
            kind="status",
            agency=step.agency,
            step_id=step.pk,
            correlation_id=correlation_id,
            body=b"",
            method="GET",
            path=path,
            headers=headers,
        )
        try:
            response = _http().get(
                path, headers=headers, timeout=(setting("connect_timeout"), setting("read_timeout"))
            )
        except requests.RequestException:
            counts["error"] += 1
            continue
        log_message(
            direction=Direction.IN,
            kind="status",
            agency=step.agency,
            step_id=step.pk,
            correlation_id=correlation_id,
            body=response.content,
            status_code=response.status_code,
            headers=response.headers,
        )
        try:
            body = parse_json(response.content) if response.status_code == 200 else {}
        except ValueError:  # BodyRefused: whatever the agency sent, it is not an answer
            body = {}
        if not isinstance(body, dict):
            body = {}
        if response.status_code == 200 and body.get("status") == "done":
            try:
                bundle_services.step_record_result(
                    step_id=step.pk, result=body.get("result") or {}, reference=str(body.get("reference", ""))
                )
            except ValidationFailed:  # a malformed result is not taken; the step waits to be asked again
                counts["error"] += 1
                continue
            attempt_result_arrived(step_id=step.pk)
            counts["done"] += 1
        elif response.status_code == 200 and body.get("status") == "rejected":
            bundle_services.step_record_rejection(step_id=step.pk, reason=str(body.get("reason", "")))
            counts["rejected"] += 1
        elif response.status_code == 404:
            bundle_services.step_resend(step_id=step.pk, reason="Cơ quan không tìm thấy yêu cầu; gửi lại.")
            counts["resent"] += 1
        else:
            counts["waiting"] += 1
    return counts


def replay_dead(*, actor=None) -> int:
    replayed = 0
    for step_id in bundle_selectors.dead_step_ids():
        bundle_services.step_replay(step_id=step_id, actor=actor)
        replayed += 1
    return replayed


def message_log_purge(*, retention_days: int, now: datetime | None = None) -> int:
    """The message log is append-only while it is kept; past its retention period it is deleted
    (the attempts and the steps' own states remain)."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days)
    deleted, _ = MessageLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted
