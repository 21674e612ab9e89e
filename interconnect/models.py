"""What the portal said to agencies and what they answered: one row per try, and an append-only log
of every message in and out (hashes of bodies, never the personal data itself, never secrets)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.jurisdiction import JurisdictionPaths


class Outcome(models.TextChoices):
    SENDING = "sending", "Đang gửi (chưa có kết quả)"
    DONE = "done", "Hoàn thành"
    ACCEPTED = "accepted", "Cơ quan đã tiếp nhận (chờ phản hồi)"
    IN_FLIGHT = "in_flight", "Đang được xử lý (409)"
    REJECTED = "rejected", "Cơ quan từ chối (422)"
    RETRY = "retry", "Lỗi tạm thời, gửi lại sau"
    DEAD = "dead", "Hết số lần gửi"


class Attempt(models.Model):
    jurisdiction = JurisdictionPaths(ward="step__bundle__ward")

    step = models.ForeignKey("registrations.Step", on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveIntegerField(_("lần thử"))
    agency = models.CharField(_("cơ quan"), max_length=20)
    # The try's trace, hop by hop (empty on rows older than it): why a bundle was slow, in production.
    due_at = models.DateTimeField(_("đến hạn gửi"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("bộ chuyển tiếp nhận"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu"))
    answered_at = models.DateTimeField(_("cơ quan trả lời"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("đã ghi nhận"), null=True, blank=True)
    result_at = models.DateTimeField(
        _("có kết quả"),
        null=True,
        blank=True,
        help_text=_("Với yêu cầu cơ quan tiếp nhận (202): khi kết quả về."),
    )
    latency_ms = models.PositiveIntegerField(_("thời gian phản hồi (ms)"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("mã HTTP"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    error = models.TextField(_("lỗi"), blank=True)
    request_sha256 = models.CharField(max_length=64)
    correlation_id = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("các lần gửi")
        ordering = ["step", "started_at"]
        indexes = [models.Index(fields=["agency", "started_at"])]

    def __str__(self) -> str:
        return f"{self.step_id}#{self.number} {self.outcome}"


class Direction(models.TextChoices):
    OUT = "out", "Gửi đi"
    IN = "in", "Nhận về"


class MessageLog(models.Model):
    """Append-only: rows are written, never updated or deleted by the application."""

    jurisdiction = JurisdictionPaths(ward="step__bundle__ward")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=20, help_text=_("request, response, callback, status"))
    agency = models.CharField(max_length=20)
    step = models.ForeignKey(
        "registrations.Step", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    correlation_id = models.CharField(max_length=64, db_index=True)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=300, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    body_sha256 = models.CharField(max_length=64)
    body_bytes = models.PositiveIntegerField(default=0)
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("thông điệp liên thông")
        verbose_name_plural = _("nhật ký thông điệp liên thông")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.agency} {self.status_code or ''}"


class CallbackReceipt(models.Model):
    """Each signed callback is taken once: the same signature seen again is a replay."""

    agency = models.CharField(max_length=20)
    signature_sha256 = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biên nhận phản hồi")
        verbose_name_plural = _("biên nhận phản hồi")

    def __str__(self) -> str:
        return f"{self.agency} {self.received_at:%Y-%m-%d %H:%M:%S}"
