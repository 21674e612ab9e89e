"""What the connector keeps: the dossiers it took in (one row per dossier code, whatever the number of
pulls), and the outbox of status messages it owes the national portal, in order per dossier."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.jurisdiction import JurisdictionPaths


class DossierOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Đã nhận thành hồ sơ")
    REFUSED = "refused", _("Không tiếp nhận (không đạt kiểm tra)")


class InboundDossier(models.Model):
    """A dossier filed on the national portal. Its code is unique: pulled twice, or sent again after a
    lost acknowledgement, it is the same row and the same bundle."""

    jurisdiction = JurisdictionPaths(ward="ward")

    code = models.CharField(_("mã hồ sơ (MaHoSo)"), max_length=60, unique=True)
    procedure_code = models.CharField(_("mã thủ tục (MaTTHC)"), max_length=20)
    ward = models.ForeignKey(
        "divisions.Ward", on_delete=models.PROTECT, related_name="+", verbose_name=_("xã, phường")
    )
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("nộp trên cổng lúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả kiểm tra"), max_length=10, choices=DossierOutcome.choices)
    reasons = models.JSONField(_("lý do không tiếp nhận"), default=dict, blank=True)
    eid_level = models.PositiveSmallIntegerField(_("mức định danh điện tử"), null=True, blank=True)
    bundle = models.OneToOneField(
        "registrations.Bundle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="national_dossier",
        verbose_name=_("hồ sơ"),
    )
    acknowledged_at = models.DateTimeField(_("đã báo nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ từ Cổng Dịch vụ công")
        verbose_name_plural = _("hồ sơ từ Cổng Dịch vụ công")

    def __str__(self) -> str:
        return f"{self.code} ({self.get_outcome_display()})"


class MessageState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    DELIVERED = "delivered", _("Đã gửi")
    DEAD = "dead", _("Gửi thất bại (cần xử lý)")


class StatusMessage(models.Model):
    """One change of a dossier's state, as the national portal must learn it. Written in the
    transaction of the change; sent after every earlier message of the same dossier."""

    jurisdiction = JurisdictionPaths(ward="ward")

    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60)
    seq = models.PositiveIntegerField(_("thứ tự trong hồ sơ"))
    # None for a dossier refused at intake: it never became a bundle.
    bundle_id = models.BigIntegerField(_("hồ sơ"), null=True, blank=True, db_index=True)
    ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã, phường"),
    )
    status = models.PositiveSmallIntegerField(_("trạng thái (TrangThaiHoSo)"))
    occurred_at = models.DateTimeField(_("thời điểm xử lý"))
    payload = models.JSONField(_("nội dung"))
    idempotency_key = models.CharField(max_length=120, unique=True)
    state = models.CharField(
        _("tình trạng gửi"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lúc"))
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông điệp trạng thái gửi Cổng Dịch vụ công")
        verbose_name_plural = _("thông điệp trạng thái gửi Cổng Dịch vụ công")
        ordering = ["dossier_code", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier_code", "seq"], name="one_seq_per_dossier")]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_code}#{self.seq} {self.status} {self.state}"


class ConnectorRun(models.Model):
    """When the connector last pulled (or tried to): /readyz calls it stalled when this grows old."""

    name = models.CharField(max_length=20, primary_key=True)
    at = models.DateTimeField(_("lần chạy gần nhất"))
    succeeded_at = models.DateTimeField(_("lần thành công gần nhất"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lần đồng bộ với Cổng Dịch vụ công")
        verbose_name_plural = _("các lần đồng bộ với Cổng Dịch vụ công")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
