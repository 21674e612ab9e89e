"""Suspending a leader's signing in the portal: refused at once, whatever the certificate says, until
resumed. Extracts signed before stay valid: their timestamps prove when they were signed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record
from portal.audit.streams import user_stream

from .models import SignerCertificate


@transaction.atomic
def signing_suspend(*, user, actor, reason: str) -> int:
    """Suspend every active certificate of ``user``; returns how many."""
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValueError("Cần ghi lý do tạm dừng ký số.")
    count = SignerCertificate.objects.filter(user=user, active=True, suspended_at__isnull=True).update(
        suspended_at=timezone.now(), suspended_reason=reason
    )
    audit_record(
        stream=user_stream(user.pk),
        action="signing.suspended",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        data={"reason": reason, "certificates": count},
    )
    return count


@transaction.atomic
def signing_resume(*, user, actor) -> int:
    count = SignerCertificate.objects.filter(user=user, active=True, suspended_at__isnull=False).update(
        suspended_at=None, suspended_reason=""
    )
    audit_record(
        stream=user_stream(user.pk),
        action="signing.resumed",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        data={"certificates": count},
    )
    return count
