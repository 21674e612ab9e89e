"""Scans attached to a bundle, stored privately, and their deletion when their retention ends."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..constants import OPEN_STATES, BundleState
from ..exceptions import ValidationFailed
from ..models import Attachment, Bundle
from .changes import locked
from .guards import ensure_may, require_state

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
    bundle = locked(bundle, actor=actor, declaration=False)
    ensure_may("attach", actor=actor, bundle=bundle)
    require_state(bundle, "attach", OPEN_STATES)
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
