"""Signing certificates of ward leaders and the signed extracts they produced."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.jurisdiction import JurisdictionPaths


class KeyHolding(models.TextChoices):
    PKCS12 = "pkcs12", _("Tệp PKCS#12 trên máy chủ")
    PKCS11 = "pkcs11", _("Thiết bị ký số (HSM, PKCS#11)")
    CSC = "csc", _("Ký số từ xa (mã xác thực gửi tới điện thoại)")


class SignerCertificate(models.Model):
    """A leader's signing certificate, tied to the account: a deactivated account cannot sign."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_certificates"
    )
    pkcs12_path = models.CharField(_("tệp PKCS#12"), max_length=500, blank=True)
    # Where the key is: a PKCS#12 file the server opens, or a token it cannot copy the key from (the
    # leader types the token's PIN for each batch; it is never stored).
    holding = models.CharField(
        _("nơi giữ khoá"), max_length=10, choices=KeyHolding.choices, db_default=KeyHolding.PKCS12
    )
    token_label = models.CharField(_("nhãn thiết bị"), max_length=64, blank=True, db_default="")
    key_label = models.CharField(_("nhãn khoá"), max_length=64, blank=True, db_default="")
    certificate_path = models.CharField(
        _("tệp chứng thư (khoá trên thiết bị)"), max_length=500, blank=True, db_default=""
    )
    # Remote signing: the provider's credential (the key stays with the provider) and how many
    # signatures one approval covers there.
    credential_id = models.CharField(_("mã chứng thư ký từ xa"), max_length=200, blank=True, db_default="")
    batch_limit = models.PositiveSmallIntegerField(
        _("số trích lục tối đa mỗi lần xác thực"), null=True, blank=True
    )
    subject = models.CharField(_("chủ thể"), max_length=300)
    fingerprint_sha256 = models.CharField(max_length=64, unique=True)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Signing suspended in the portal (an inquiry, a leave, a lost token): refused at once, until resumed.
    suspended_at = models.DateTimeField(_("tạm dừng ký từ"), null=True, blank=True)
    suspended_reason = models.CharField(_("lý do tạm dừng"), max_length=200, blank=True, db_default="")

    class Meta:
        verbose_name = _("chứng thư ký số")
        verbose_name_plural = _("chứng thư ký số")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(active=True), name="one_active_certificate_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.fingerprint_sha256[:12]})"


def _token() -> str:
    return secrets.token_urlsafe(24)


class Extract(models.Model):
    """A signed extract of a bundle. A correction or a late personal ID number produces a new one that
    supersedes it; the old one's verification page says so."""

    jurisdiction = JurisdictionPaths(ward="bundle__ward", owner="bundle__owner")

    bundle = models.ForeignKey("registrations.Bundle", on_delete=models.PROTECT, related_name="extracts")
    version = models.PositiveSmallIntegerField(_("lần cấp"))
    title = models.CharField(_("tên giấy tờ"), max_length=100)
    token = models.CharField(_("mã tra cứu"), max_length=64, unique=True, default=_token, editable=False)
    pdf = models.FileField(_("tệp PDF đã ký"), upload_to="extracts/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("người ký"), max_length=100)
    signer_title = models.CharField(_("chức danh khi ký"), max_length=100)
    certificate = models.ForeignKey(SignerCertificate, on_delete=models.PROTECT, related_name="extracts")
    signed_at = models.DateTimeField(_("ký lúc"))
    superseded_at = models.DateTimeField(_("bị thay thế lúc"), null=True, blank=True)
    reason = models.CharField(_("lý do cấp"), max_length=200, blank=True)
    # The archive: each renewal adds revocation data and a document timestamp to the stored file;
    # copies handed out before a renewal are earlier revisions of it, recognised by their hash.
    archived_until = models.DateTimeField(
        _("dấu thời gian lưu trữ còn hiệu lực đến"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Hết hạn chứng thư của dấu thời gian mới nhất; gia hạn trước thời điểm này."),
    )
    earlier_sha256 = models.JSONField(_("mã băm các bản trước gia hạn"), default=list, null=True, blank=True)

    class Meta:
        verbose_name = _("trích lục đã ký")
        verbose_name_plural = _("trích lục đã ký")
        ordering = ["bundle", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "version"], name="one_extract_per_version"),
            models.UniqueConstraint(
                fields=["bundle"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_extract_per_bundle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.bundle_id} v{self.version}"


class ReissueRequest(models.Model):
    """An extract that must be issued again (approved correction, late personal ID number); the leader
    sees it in the signing queue."""

    bundle = models.ForeignKey(
        "registrations.Bundle", on_delete=models.CASCADE, related_name="reissue_requests"
    )
    reason = models.CharField(_("lý do"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu cấp lại trích lục")
        verbose_name_plural = _("yêu cầu cấp lại trích lục")
        constraints = [
            models.UniqueConstraint(
                fields=["bundle"], condition=Q(done_at__isnull=True), name="one_open_reissue"
            )
        ]

    def __str__(self) -> str:
        return f"Cấp lại {self.bundle_id}: {self.reason}"
