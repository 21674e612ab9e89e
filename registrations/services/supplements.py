"""Supplement requests over time: reminders, and rejection when the limit passes unanswered."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream

from ..models import SupplementRequest
from ..notifications import notify_requester
from .review import bundle_reject


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
                stream=bundle_stream(request.bundle),
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
