"""Daily roll-ups per ward: the counters and histograms the provincial dashboard reads, so its
figures never scan the bundle tables. One row per ward, day, group, procedure and agency; no row is
shared by a whole province, so concurrent submissions in different wards never wait for each other."""

from django.db import models

from portal.divisions.models import Ward

from .rules import COLUMNS


class WardDay(models.Model):
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    province_id = models.PositiveSmallIntegerField("mã tỉnh")
    day = models.DateField("ngày")
    group = models.CharField("nhóm", max_length=5)
    procedure = models.CharField("thủ tục", max_length=40, blank=True)  # "" for the bundle as a whole
    agency = models.CharField("cơ quan", max_length=20, blank=True)  # "" except for agency step figures

    class Meta:
        verbose_name = "số liệu ngày theo xã"
        verbose_name_plural = "số liệu ngày theo xã"
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "day", "group", "procedure", "agency"], name="dashboard_wardday_key"
            )
        ]
        indexes = [models.Index(fields=["province_id", "day"], name="dashboard_wardday_prov_day")]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.day:%d/%m/%Y} {self.group} {self.procedure or '—'}"


for _column in COLUMNS:
    WardDay.add_to_class(_column, models.IntegerField(default=0))
