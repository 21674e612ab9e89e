"""The audit trail: append-only events, hash-chained per stream (one stream per bundle, per user …),
and a daily seal over every event of the day. Chaining per stream means two clerks working on two
bundles never wait on one global lock; the seal binds the streams together once a day."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.common.counters import CounterManager

GENESIS_HASH = "0" * 64


class AuditStream(models.Model):
    """The head of one chain, locked from the moment an event takes its number until the transaction ends."""

    key = models.CharField(_("luồng"), max_length=100, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    objects = CounterManager()

    class Meta:
        verbose_name = _("luồng nhật ký")
        verbose_name_plural = _("luồng nhật ký")

    def __str__(self) -> str:
        return f"{self.key}#{self.last_seq}"


class AuditEvent(models.Model):
    stream = models.CharField(_("luồng"), max_length=100)
    seq = models.PositiveBigIntegerField(_("thứ tự trong luồng"))
    occurred_at = models.DateTimeField(_("thời điểm"), db_index=True)
    action = models.CharField(_("hành động"), max_length=60)
    # The actor is copied, not referenced: deleting or renaming an account must never rewrite the trail.
    actor_id = models.BigIntegerField(_("mã người thực hiện"), null=True, blank=True)
    actor_label = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=60, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("sự kiện nhật ký")
        ordering = ["stream", "seq"]
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="audit_event_stream_seq")]
        indexes = [
            models.Index(fields=["actor_id", "occurred_at"]),
            models.Index(fields=["action", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.action}"


class AuditSeal(models.Model):
    """One per Vietnamese calendar day: a digest of every event hash of that day, chained to the
    previous seal. Rewriting a whole stream consistently still breaks the seals of its days."""

    day = models.DateField(_("ngày"), unique=True)
    events_count = models.PositiveBigIntegerField()
    events_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("niêm phong ngày")
        verbose_name_plural = _("niêm phong ngày")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} ({self.events_count})"
