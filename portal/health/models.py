from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """Written by a task that beat schedules and a worker runs: a recent row proves both are alive."""

    name = models.CharField(max_length=50, primary_key=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("nhịp tim")
        verbose_name_plural = _("nhịp tim")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
