"""Agency callbacks: a signed report of a step's result, taken once, only for a step in flight, and
only in the shape of the procedure's result schema."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction

from portal.common import peers, signatures
from portal.common.jsonbody import parse_json
from portal.common.ratelimit import rate_exceeded
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.constants import IN_FLIGHT_STEP_STATES
from registrations.exceptions import ValidationFailed

from .models import CallbackReceipt, Direction
from .services import attempt_result_arrived, log_message, setting

logger = logging.getLogger("interconnect")


class CallbackRefused(Exception):
    def __init__(self, status_code: int, detail: str, *, retry_after: int | None = None):
        self.status_code, self.detail, self.retry_after = status_code, detail, retry_after
        super().__init__(detail)


def callback_receive(*, agency: str, body: bytes, headers, address: str) -> dict:
    """An agency reports a result. Signed with its secret over ``timestamp.body`` and fresh; each
    signature is accepted once (a replay is refused); only a step in flight may be answered. The
    message log records what an agency said that was taken, in the transaction that takes it; a
    refusal writes no row (a warning with the body's hash instead), and an unsigned flood is counted
    per ``address`` and refused once the address has spent its budget."""
    wait = peers.unsigned_wait(address=address)
    if wait is not None:
        raise CallbackRefused(429, peers.REFUSED.format(seconds=wait), retry_after=wait)
    if agency not in settings.AGENCIES:
        peers.unsigned_count(channel="callback", address=address, problem="unknown agency")
        raise CallbackRefused(404, "Cơ quan không xác định.")
    signature = headers.get("X-Signature", "")
    problem = signatures.verify(
        secrets=settings.AGENCIES[agency]["secrets"],
        timestamp=headers.get("X-Timestamp", ""),
        signature=signature,
        body=body,
        window_seconds=setting("callback_window_seconds"),
    )
    if problem:
        peers.unsigned_count(channel="callback", address=address, problem=problem)
        raise CallbackRefused(401, f"Chữ ký không hợp lệ: {problem}.")
    correlation_id = headers.get("X-Correlation-ID", "") or uuid.uuid4().hex
    try:
        return _callback_take(
            agency=agency, body=body, headers=headers, signature=signature, correlation_id=correlation_id
        )
    except CallbackRefused as refused:
        logger.warning(
            "interconnect.callback.refused",
            extra={
                "agency": agency,
                "status_code": refused.status_code,
                "correlation_id": correlation_id[:64],
                "body_sha256": signatures.body_hash(body),
            },
        )
        raise


def _callback_take(*, agency: str, body: bytes, headers, signature: str, correlation_id: str) -> dict:
    # Counted only once the signature holds: an unsigned flood cannot spend an agency's budget.
    wait = rate_exceeded(scope="agency", ident=agency)
    if wait is not None:
        raise CallbackRefused(
            429, f"Cơ quan gửi quá nhiều phản hồi; thử lại sau {wait} giây.", retry_after=wait
        )
    try:
        message = parse_json(body)
        key = uuid.UUID(str(message["idempotency_key"]))
        status = message["status"]
    except (ValueError, KeyError, TypeError):  # BodyRefused is a ValueError
        raise CallbackRefused(400, "Nội dung phản hồi không đúng định dạng.") from None
    if status not in ("done", "rejected"):
        raise CallbackRefused(400, "Trạng thái phải là done hoặc rejected.")
    result = message.get("result", {})
    if status == "done" and not isinstance(result, dict):
        raise CallbackRefused(422, "Kết quả (result) phải là một đối tượng JSON.")
    step = bundle_selectors.step_by_key(key)
    if step is None or step.agency != agency:
        raise CallbackRefused(404, "Không có yêu cầu nào với mã này.")
    # Only a request that was sent and is not finished may be answered: a signed peer cannot complete
    # a step out of order (before it was due) or rewrite one that is done.
    if step.state not in IN_FLIGHT_STEP_STATES:
        raise CallbackRefused(409, "Yêu cầu này không chờ kết quả: chưa được gửi hoặc đã kết thúc.")
    try:
        with transaction.atomic():
            CallbackReceipt.objects.create(
                agency=agency, signature_sha256=signatures.body_hash(signature.encode())
            )
            if status == "done":
                bundle_services.step_record_result(
                    step_id=step.pk, result=result, reference=str(message.get("reference", ""))
                )
                attempt_result_arrived(step_id=step.pk)
            else:
                bundle_services.step_record_rejection(step_id=step.pk, reason=str(message.get("reason", "")))
            log_message(
                direction=Direction.IN,
                kind="callback",
                agency=agency,
                step_id=step.pk,
                correlation_id=correlation_id,
                body=body,
                method="POST",
                path=f"callbacks/{agency}/",
                status_code=200,
                headers=headers,
            )
    except IntegrityError:
        raise CallbackRefused(409, "Phản hồi này đã được nhận (gửi lại y nguyên bị từ chối).") from None
    except ValidationFailed as exc:  # checked against the result schema: nothing was stored
        problems = "; ".join(exc.errors.get("result", []))[:500]
        raise CallbackRefused(422, f"Kết quả không đúng lược đồ: {problems}") from None
    return {"status": "ok"}
