"""Medical facilities, the birth certificates and death notices they send, and the registrations
each number backs."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.common.crypto import lookup_hmac
from portal.common.fields import EncryptedTextField

from ..constants import CertificateKind


class MedicalFacility(models.Model):
    """A hospital or clinic that sends medical birth certificates and death notices electronically.
    Its requests are signed with its own HMAC secret; during a rotation the previous one still
    verifies until it is dropped."""

    code = models.CharField(
        _("mã cơ sở"), max_length=20, unique=True, help_text=_("Mã cơ sở khám, chữa bệnh.")
    )
    name = models.CharField(_("tên cơ sở"), max_length=200)
    ward = models.ForeignKey("divisions.Ward", on_delete=models.PROTECT, related_name="medical_facilities")
    secret = EncryptedTextField("khoá ký")
    previous_secret = EncryptedTextField("khoá cũ còn hiệu lực khi đổi khoá", null=True, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("cơ sở khám, chữa bệnh")
        verbose_name_plural = _("cơ sở khám, chữa bệnh")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def active_secrets(self) -> list[str]:
        return [s for s in (self.secret, self.previous_secret) if s]


class MedicalCertificate(models.Model):
    """One version of a medical birth certificate (giấy chứng sinh) or death notice (giấy báo tử) as
    a facility sent it. A correction adds a version that supersedes the previous one, which is kept:
    nothing a facility sent is ever overwritten. Personal and health data are encrypted at rest."""

    kind = models.CharField(_("loại"), max_length=10, choices=CertificateKind.choices)
    number = models.CharField(_("số giấy"), max_length=40)
    version = models.PositiveSmallIntegerField(_("lần gửi"), default=1)
    current = models.BooleanField(_("bản đang dùng"), default=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    facility = models.ForeignKey(MedicalFacility, on_delete=models.PROTECT, related_name="certificates")
    # The mother (birth) or the deceased (death): what a family's declaration is checked against.
    subject_full_name = models.CharField(_("họ tên"), max_length=100)
    subject_date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    subject_id_number = EncryptedTextField("số định danh", null=True, blank=True)
    subject_id_hmac = models.CharField(max_length=64, null=True, blank=True, db_index=True, editable=False)  # noqa: DJ001
    event_date = models.DateField(_("ngày sinh của trẻ / ngày mất"))
    # The rest as the facility sent it (child's sex, weight, … or place and cause of death).
    details = EncryptedTextField("chi tiết (JSON)")
    body_sha256 = models.CharField(_("mã băm nội dung"), max_length=64)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("giấy chứng sinh / báo tử điện tử")
        verbose_name_plural = _("giấy chứng sinh / báo tử điện tử")
        # The dashboard counts each facility's sending over a date range.
        indexes = [models.Index(fields=["facility", "received_at"], name="certificate_by_facility")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number", "version"], name="one_certificate_version"),
            models.UniqueConstraint(
                fields=["kind", "number"], condition=Q(current=True), name="one_current_certificate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} (lần {self.version})"

    def save(self, *args, **kwargs):
        self.subject_id_hmac = lookup_hmac(self.subject_id_number) if self.subject_id_number else None
        super().save(*args, **kwargs)


class CertificateUse(models.Model):
    """A medical birth certificate or death notice number backing a registration. Unique: one number
    backs at most one registration, whatever two clerks do at the same moment."""

    kind = models.CharField(_("loại"), max_length=10, choices=CertificateKind.choices)
    number = models.CharField(_("số giấy"), max_length=40)
    bundle = models.OneToOneField(
        "registrations.Bundle", on_delete=models.PROTECT, related_name="certificate_use"
    )
    used_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("giấy đã dùng để đăng ký")
        verbose_name_plural = _("giấy đã dùng để đăng ký")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="one_registration_per_certificate")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} → {self.bundle_id}"


class CorrectionReceipt(models.Model):
    """Each signed correction is taken once: the same signature seen again is a replay, refused, so a
    correction replayed after a later one never becomes the current version again."""

    facility = models.ForeignKey(MedicalFacility, on_delete=models.PROTECT, related_name="+")
    signature_sha256 = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biên nhận bản đính chính")
        verbose_name_plural = _("biên nhận bản đính chính")

    def __str__(self) -> str:
        return f"{self.facility_id} {self.received_at:%Y-%m-%d %H:%M:%S}"
