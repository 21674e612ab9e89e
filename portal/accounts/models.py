from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.common.crypto import lookup_hmac
from portal.common.fields import EncryptedTextField
from portal.common.identifiers import mask_personal_id

from .constants import BACK_OFFICE_ROLES, PROVINCE_ROLES, WARD_ROLES, Role, Sex
from .jurisdiction import JurisdictionPaths, JurisdictionQuerySet


class PortalUserManager(UserManager.from_queryset(JurisdictionQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """Every person or system that signs in. Staff belong to exactly one jurisdiction (a ward or a
    province); citizens are identified by their personal ID number, stored encrypted."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("họ và tên"), max_length=100, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    title = models.CharField(
        _("chức danh"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ: Chủ tịch, Phó Chủ tịch, Công chức tư pháp - hộ tịch."),
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    ward = models.ForeignKey(
        "divisions.Ward",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("xã, phường"),
        help_text=_("Bắt buộc với công chức và lãnh đạo cấp xã."),
    )
    province = models.ForeignKey(
        "divisions.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("tỉnh"),
        help_text=_("Bắt buộc với cán bộ Sở Tư pháp."),
    )
    id_number = EncryptedTextField("số định danh cá nhân", blank=True, null=True)
    id_number_hmac = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices, blank=True)
    eid_verified_at = models.DateTimeField(_("xác thực định danh điện tử lúc"), null=True, blank=True)

    objects = PortalUserManager()
    jurisdiction = JurisdictionPaths(ward="ward", provinces=("ward__province", "province"), owner="pk")

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            models.CheckConstraint(
                name="ward_staff_have_a_ward",
                condition=~Q(role__in=sorted(WARD_ROLES)) | Q(ward__isnull=False, province__isnull=True),
            ),
            models.CheckConstraint(
                name="province_staff_have_a_province",
                condition=~Q(role__in=sorted(PROVINCE_ROLES)) | Q(province__isnull=False, ward__isnull=True),
            ),
            models.CheckConstraint(
                name="others_have_no_jurisdiction",
                condition=Q(role__in=sorted(WARD_ROLES | PROVINCE_ROLES))
                | Q(ward__isnull=True, province__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    def save(self, *args, **kwargs):
        # Admin access follows the role, so it can never drift from it.
        self.is_staff = self.role in BACK_OFFICE_ROLES or self.is_superuser
        self.id_number_hmac = lookup_hmac(self.id_number) if self.id_number else None
        if kwargs.get("update_fields") is not None and "id_number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "id_number_hmac"}
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_personal_id(self.id_number)

    @property
    def jurisdiction_province_id(self) -> int | None:
        if self.role in WARD_ROLES and self.ward_id:
            return self.ward.province_id
        return self.province_id

    @property
    def jurisdiction_label(self) -> str:
        if self.role in WARD_ROLES and self.ward_id:
            return self.ward.label
        if self.role in PROVINCE_ROLES and self.province_id:
            return self.province.full_name
        return ""


class CounterCheck(models.Model):
    """A walk-in citizen's identity checked at a ward's one-stop counter: the clerk types the personal
    ID number, a six-digit code goes to that citizen's e-ID account (and phone), and the citizen reads
    it back to the clerk. Valid for a few minutes, for a few tries, once."""

    clerk = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    citizen = models.ForeignKey(User, on_delete=models.CASCADE, related_name="counter_checks")
    group = models.CharField(_("nhóm thủ tục"), max_length=10)
    code = EncryptedTextField("mã xác nhận")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("xác minh tại bộ phận một cửa")
        verbose_name_plural = _("xác minh tại bộ phận một cửa")

    def __str__(self) -> str:
        return f"{self.clerk_id} → {self.citizen_id} ({self.created_at:%d/%m/%Y %H:%M})"
