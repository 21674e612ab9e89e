"""The mock agencies' HTTP interface: the same contract the real agencies speak."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal.common import signatures
from registrations.payload_schemas import payload_errors

from . import behaviour
from .models import MockRequest


def _verified(request, agency: str) -> str | None:
    if agency not in behaviour.PROCEDURES:
        raise Http404
    return signatures.verify(
        secrets=settings.AGENCIES[agency]["secrets"],
        timestamp=request.headers.get("X-Timestamp", ""),
        signature=request.headers.get("X-Signature", ""),
        body=request.body,
        window_seconds=300,
    )


def _answer(row: MockRequest) -> JsonResponse:
    if row.status == "done":
        return JsonResponse({"status": "done", "result": row.result, "reference": row.reference})
    if row.status == "rejected":
        return JsonResponse({"status": "rejected", "reason": row.reason}, status=422)
    return JsonResponse({"status": "accepted", "reference": row.reference}, status=202)


@csrf_exempt
@require_http_methods(["POST"])
def receive(request, agency: str):
    problem = _verified(request, agency)
    if problem:
        return JsonResponse({"status": "error", "reason": problem}, status=401)
    try:
        key = uuid.UUID(request.headers.get("Idempotency-Key", ""))
        envelope = json.loads(request.body)
        procedure, payload = envelope["procedure"], envelope["payload"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"status": "error", "reason": "malformed request"}, status=400)
    if procedure not in behaviour.PROCEDURES[agency]:
        return JsonResponse(
            {"status": "rejected", "reason": f"{agency} does not handle {procedure}"}, status=422
        )
    errors = payload_errors(procedure, payload)
    if errors:
        return JsonResponse({"status": "rejected", "reason": "; ".join(errors)}, status=422)
    knobs = behaviour.knobs()

    # 1. Register the try, or answer from what this key already produced.
    with transaction.atomic():
        try:
            row, _ = MockRequest.objects.select_for_update().get_or_create(
                agency=agency,
                idempotency_key=key,
                defaults={
                    "procedure": procedure,
                    "payload": payload,
                    "callback_url": envelope.get("callback_url", ""),
                    "reference": f"{agency[:2].upper()}{key.hex[:10].upper()}",
                    "status": "new",
                },
            )
        except IntegrityError:
            return JsonResponse({"status": "in_flight"}, status=409)
        if row.status in ("done", "rejected", "accepted"):
            row.tries += 1
            row.save(update_fields=["tries", "updated_at"])
            return _answer(row)
        stale = timezone.now() - timedelta(seconds=knobs["processing_stale_seconds"])
        if row.status == "processing" and row.updated_at > stale:
            return JsonResponse({"status": "in_flight"}, status=409)
        row.tries += 1
        attempt = row.tries
        fault = behaviour.fault_for(key, attempt, knobs)
        row.status = "new" if fault == "500" else "processing"
        row.save(update_fields=["tries", "status", "updated_at"])
    if fault == "500":
        return JsonResponse({"status": "error", "reason": "simulated failure"}, status=500)

    # 2. Work (slowly, if asked) outside any transaction.
    delay = knobs["latency_ms"] + (knobs["personal_id_delay_ms"] if procedure == "personal_id" else 0)
    if fault == "timeout":
        delay = max(delay, knobs["timeout_seconds"] * 1000)
    time.sleep(delay / 1000)

    # 3. The effect, at most once per key.
    with transaction.atomic():
        row = MockRequest.objects.select_for_update().get(pk=row.pk)
        if row.effects == 0:
            if behaviour.chance(key, 0, "reject") < knobs["reject_rate"]:
                row.status, row.reason = "rejected", "Thông tin không khớp cơ sở dữ liệu (giả lập)."
            else:
                row.result, row.status, row.effects = behaviour.produce(row), "done", 1
            row.save()
            verify = procedure == "permanent_residence" and (
                behaviour.chance(key, 0, "verify") < knobs["residence_verification_rate"]
            )
            if row.status == "done" and (verify or behaviour.chance(key, 0, "accept") < knobs["accept_rate"]):
                # The effect is made; the portal learns the result by callback (or by asking).
                behaviour.schedule_callback(row, knobs)
                answer = {"status": "accepted", "reference": row.reference}
                return JsonResponse({**answer, "verification_needed": True} if verify else answer, status=202)
    return _answer(row)


@csrf_exempt
@require_http_methods(["POST"])
def bare(request, agency: str):
    """The wire's ceiling for `make bench`: checks the signature as ``receive`` does and answers 200
    with a body of a result's size, without touching the database."""
    problem = _verified(request, agency)
    if problem:
        return JsonResponse({"status": "error", "reason": problem}, status=401)
    return JsonResponse({"status": "done", "result": {"confirmation_number": "TT-" + "0" * 12}})


@csrf_exempt
@require_http_methods(["GET"])
def status(request, agency: str, key: str):
    problem = _verified(request, agency)
    if problem:
        return JsonResponse({"status": "error", "reason": problem}, status=401)
    row = MockRequest.objects.filter(agency=agency, idempotency_key=key).first()
    if row is None or row.status == "new":
        return JsonResponse({"status": "unknown"}, status=404)
    if row.status == "processing":
        return JsonResponse({"status": "processing"})
    return JsonResponse(
        {"status": row.status, "result": row.result, "reason": row.reason, "reference": row.reference}
    )


@csrf_exempt
@require_http_methods(["GET", "PUT"])
def knobs_view(request):
    if request.method == "PUT":
        try:
            return JsonResponse(behaviour.set_knobs(json.loads(request.body)))
        except (ValueError, TypeError) as exc:
            return JsonResponse({"status": "error", "reason": str(exc)}, status=400)
    return JsonResponse(behaviour.knobs())
