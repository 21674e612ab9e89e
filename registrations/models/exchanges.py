"""What the clerk and the citizen exchange: scans, supplement requests, corrections."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.jurisdiction import JurisdictionPaths, JurisdictionQuerySet

from ..constants import AttachmentKind, CorrectionState
from .bundles import Bundle


class Attachment(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="attachments")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("loại giấy tờ"), max_length=30, choices=AttachmentKind.choices)
    file = models.FileField(_("tệp"), upload_to="attachments/%Y/%m/")
    content_type = models.CharField(_("kiểu tệp"), max_length=40)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The scan is deleted when its retention period ends; what it was (kind, size, hash) stays.
    purged_at = models.DateTimeField(_("đã xoá tệp lúc"), null=True, blank=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction = JurisdictionPaths(ward="bundle__ward", owner="bundle__owner")

    class Meta:
        verbose_name = _("giấy tờ đính kèm")
        verbose_name_plural = _("giấy tờ đính kèm")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name})"


class SupplementRequest(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="supplements")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(_("hạn bổ sung"))
    remind_at = models.DateTimeField(_("nhắc lúc"))
    items = models.JSONField(
        _("nội dung cần bổ sung"),
        default=list,
        help_text='[{"field": "child.full_name", "reason": "…"}, {"attachment": "…", …}]',
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle"],
                condition=Q(answered_at__isnull=True, expired_at__isnull=True),
                name="one_open_supplement_per_bundle",
            )
        ]

    def __str__(self) -> str:
        return f"Bổ sung {self.bundle_id} đến {self.due_at:%d/%m/%Y}"


class Correction(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="corrections")
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=CorrectionState.choices, default=CorrectionState.REQUESTED
    )
    changes = models.JSONField(_("nội dung cải chính"), default=dict)
    reason = models.TextField(_("lý do"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ghi chú quyết định"), blank=True)

    class Meta:
        verbose_name = _("yêu cầu cải chính")
        verbose_name_plural = _("yêu cầu cải chính")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle"],
                condition=Q(state=CorrectionState.REQUESTED),
                name="one_open_correction_per_bundle",
            )
        ]

    def __str__(self) -> str:
        return f"Cải chính {self.bundle_id} ({self.get_state_display()})"
