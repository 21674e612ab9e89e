from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", "Ngày nghỉ"
    WORKING_DAY = "working_day", "Ngày làm việc (làm bù)"


class CalendarOverride(models.Model):
    """A decision the law leaves to each year's announcement: the Tết break, bridge days off, and the
    Saturdays worked to make up for them. Wins over the statutory calendar for its date."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=DayKind.choices)
    reason = models.CharField(
        _("lý do"), max_length=200, help_text=_("Ví dụ: Nghỉ Tết Nguyên đán theo thông báo số …")
    )

    class Meta:
        verbose_name = _("ngày điều chỉnh")
        verbose_name_plural = _("ngày điều chỉnh lịch làm việc")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"
