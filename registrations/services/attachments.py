"""Scans attached to a bundle, stored privately, and their deletion when their retention ends."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from portal.common.text import size_shown

from ..constants import OPEN_STATES, AttachmentKind, BundleState
from ..exceptions import AttachmentKept, ValidationFailed
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


def _within_caps(bundle: Bundle, *, kind: str, size: int) -> None:
    """Strangers cannot grow storage through one draft: a few files per kind, a bounded number and
    total size per bundle (counted under the bundle's lock, so parallel uploads cannot overshoot)."""
    caps = settings.ATTACHMENT_CAPS
    kept = list(bundle.attachments.filter(purged_at=None).values_list("kind", "size"))
    advice = (
        " Anh/Chị có thể xoá tệp không cần trước khi tải thêm." if bundle.state == BundleState.DRAFT else ""
    )
    if sum(1 for k, _ in kept if k == kind) >= caps["per_kind"]:
        with translation.override("vi"):  # the sentence is Vietnamese, so is the kind named in it
            label = str(AttachmentKind(kind).label)
        raise ValidationFailed(
            {
                "file": [
                    f"Mỗi loại giấy tờ chỉ tải lên tối đa {caps['per_kind']} tệp; "
                    f"{label.lower()} đã đủ {caps['per_kind']} tệp.{advice}"
                ]
            }
        )
    if len(kept) >= caps["per_bundle"]:
        raise ValidationFailed({"file": [f"Mỗi hồ sơ có tối đa {caps['per_bundle']} tệp đính kèm.{advice}"]})
    used = sum(s for _, s in kept)
    if used + size > caps["bundle_bytes"]:
        left = max(0, caps["bundle_bytes"] - used)
        raise ValidationFailed(
            {
                "file": [
                    f"Tổng dung lượng tệp đính kèm của một hồ sơ tối đa {size_shown(caps['bundle_bytes'])}; "
                    f"hồ sơ còn {size_shown(left)}, tệp này {size_shown(size)}.{advice}"
                ]
            }
        )


@transaction.atomic
def attachment_add(*, bundle: Bundle, actor, kind: str, upload) -> Attachment:
    """Store one scan privately. The type is recognised from the content, never from the name."""
    bundle = locked(bundle, actor=actor, declaration=False)
    ensure_may("attach", actor=actor, bundle=bundle)
    require_state(bundle, "attach", OPEN_STATES)
    if kind not in AttachmentKind.values:
        raise ValidationFailed({"kind": ["Loại giấy tờ không hợp lệ."]})
    _within_caps(bundle, kind=kind, size=upload.size)
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


def attachments_removable_after(bundle: Bundle) -> datetime | None:
    """Scans uploaded after this moment are ones the clerk has not yet been given, so the citizen may
    take them back: any scan of a draft, and while a supplement is asked for, those added since the
    request. None: none may (what was filed stays as it was filed)."""
    if bundle.state == BundleState.DRAFT:
        return datetime.min.replace(tzinfo=UTC)
    if bundle.state != BundleState.AWAITING_CITIZEN:
        return None
    asked = bundle.supplements.filter(answered_at=None).order_by("-requested_at").first()
    return asked.requested_at if asked is not None else None


def attachment_removable(*, attachment: Attachment, after: datetime | None) -> bool:
    """``after``: the bundle's :func:`attachments_removable_after`, read once for all its scans."""
    return after is not None and attachment.uploaded_at > after


@transaction.atomic
def attachment_remove(*, bundle: Bundle, actor, attachment_id: str) -> None:
    """Take back a scan uploaded by mistake (the wrong page, a blurred photo). The file is deleted
    once the row is gone, so a crash leaves a stray file, never a row without its file."""
    bundle = locked(bundle, actor=actor, declaration=False)
    ensure_may("attach", actor=actor, bundle=bundle)
    attachment = bundle.attachments.get(public_id=attachment_id)
    if not attachment_removable(attachment=attachment, after=attachments_removable_after(bundle)):
        raise AttachmentKept(
            "Giấy tờ đã nộp kèm hồ sơ không xoá được. Nếu cần, Anh/Chị tải lên bản đúng; "
            "cán bộ sẽ xem bản mới nhất."
        )
    name = attachment.file.name
    attachment.delete()
    if name:
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


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
