"""Bundles. The state field is protected: it changes only through the transitions the services run."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.accounts.jurisdiction import JurisdictionPaths, JurisdictionQuerySet

from ..constants import (
    IN_PROGRESS_STATES,
    LIVE_STATES,
    OPEN_STATES,
    BundleState,
    CertificateStatus,
    Group,
    Origin,
    Relationship,
)
from .catalogue import CatalogueVersion


class BundleQuerySet(JurisdictionQuerySet):
    def live(self):
        return self.filter(state__in=LIVE_STATES)


class Bundle(ConcurrentTransitionMixin, models.Model):
    public_id = models.UUIDField(_("mã nội bộ"), default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("mã hồ sơ"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Cấp khi nộp; bản nháp chưa có mã."),
    )
    group = models.CharField(_("nhóm thủ tục"), max_length=10, choices=Group.choices)
    state = FSMField(_("trạng thái"), default=BundleState.DRAFT, choices=BundleState.choices, protected=True)
    # Owner and ward are looked up through the composite indexes that start with them (Meta): a
    # single-column index of each would be two more entries written by every insert and transition.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bundles",
        verbose_name=_("chủ hồ sơ"),
        db_index=False,
    )
    ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bundles",
        verbose_name=_("UBND xã nơi đăng ký"),
        db_index=False,
    )
    procedures = models.JSONField(_("thủ tục đã chọn"), default=list, blank=True)
    catalogue_version = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("phiên bản danh mục áp dụng"),
    )
    requester_relationship = models.CharField(
        _("quan hệ với người được đăng ký"), max_length=20, choices=Relationship.choices, blank=True
    )
    requester_phone = models.CharField(_("điện thoại người yêu cầu"), max_length=20, blank=True)
    requester_email = models.EmailField(_("email người yêu cầu"), blank=True)

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    submitted_at = models.DateTimeField(_("nộp lần đầu lúc"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        _("tính thời hạn từ"), null=True, blank=True, help_text=_("Lần nộp (bổ sung) đầy đủ gần nhất.")
    )
    due_at = models.DateTimeField(_("hạn giải quyết"), null=True, blank=True, db_index=True)
    late_registration = models.BooleanField(_("đăng ký quá hạn luật định"), default=False)
    verification_needed = models.BooleanField(_("cần xác minh"), default=False)
    origin = models.CharField(
        _("khởi tạo bởi"), max_length=20, choices=Origin.choices, default=Origin.CITIZEN, editable=False
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ hỗ trợ nộp"),
        help_text=_(
            "Cán bộ một cửa đã khai hộ công dân tại quầy; không được tự tiếp nhận, đăng ký hồ sơ này."
        ),
    )
    certificate_status = models.CharField(
        _("giấy chứng sinh / báo tử điện tử"),
        max_length=15,
        choices=CertificateStatus.choices,
        blank=True,
        default="",
        help_text=_("Số giấy đã khai so với giấy cơ sở y tế gửi, tại lần nộp gần nhất."),
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("có thể trùng với"),
    )

    registration_number = models.PositiveIntegerField(_("số đăng ký"), null=True, blank=True)
    registration_book = models.CharField(_("quyển số"), max_length=20, blank=True)
    registered_at = models.DateTimeField(_("đăng ký lúc"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đăng ký"),
    )
    extract_without_personal_id = models.BooleanField(
        _("cấp trích lục khi chưa có số định danh"),
        default=False,
        help_text=_("Cán bộ ghi nhận khi bước cấp số định danh quá hạn; trích lục được cấp lại khi có số."),
    )
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    closed_reason = models.TextField(_("lý do từ chối, rút hoặc đóng"), blank=True)

    objects = BundleQuerySet.as_manager()
    jurisdiction = JurisdictionPaths(ward="ward", owner="owner")

    class Meta:
        verbose_name = _("hồ sơ liên thông")
        verbose_name_plural = _("hồ sơ liên thông")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["ward", "state", "due_at"]),
            models.Index(fields=["owner", "-created_at"]),
            # Work in progress is a small, steady share of all bundles (a few days' intake), while the
            # finished ones grow for ever: counts of backlog and overdue bundles read this partial
            # index alone, whatever the history (PostgreSQL; SQLite uses it as a plain index).
            models.Index(
                fields=["ward", "state", "due_at"],
                include=["id", "group"],
                condition=Q(state__in=IN_PROGRESS_STATES),
                name="bundle_in_progress_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "group", "registration_book", "registration_number"],
                condition=Q(registration_number__isnull=False),
                name="registration_number_unique_per_book",
            ),
            models.CheckConstraint(
                name="submitted_bundles_have_a_code",
                condition=Q(state=BundleState.DRAFT)
                | Q(state=BundleState.WITHDRAWN, submitted_at__isnull=True)
                | Q(code__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"Bản nháp {self.public_id}"

    # The transitions: django-fsm checks the source state; the services do the rest.
    @transition(field=state, source=BundleState.DRAFT, target=BundleState.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=BundleState.SUBMITTED, target=BundleState.IN_REVIEW)
    def accept(self):
        pass

    @transition(
        field=state,
        source=[BundleState.SUBMITTED, BundleState.IN_REVIEW],
        target=BundleState.AWAITING_CITIZEN,
    )
    def request_supplement(self):
        pass

    @transition(field=state, source=BundleState.AWAITING_CITIZEN, target=BundleState.SUBMITTED)
    def resubmit(self):
        pass

    @transition(field=state, source=list(OPEN_STATES), target=BundleState.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=list(OPEN_STATES), target=BundleState.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=state, source=BundleState.IN_REVIEW, target=BundleState.REGISTERED)
    def register(self):
        pass

    @transition(field=state, source=BundleState.REGISTERED, target=BundleState.SIGNED)
    def sign(self):
        pass

    @transition(field=state, source=BundleState.SIGNED, target=BundleState.COMPLETED)
    def complete(self):
        pass

    @transition(field=state, source=BundleState.SIGNED, target=BundleState.PARTIALLY_COMPLETED)
    def close_partially(self):
        pass
