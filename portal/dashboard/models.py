"""Daily roll-ups per ward: the counters and histograms the provincial dashboard reads, so its
figures never scan the bundle tables. One row per ward, day, group, procedure and agency; no row is
shared by a whole province, so concurrent submissions in different wards never wait for each other."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.common.counters import CounterManager
from portal.divisions.models import Ward

from .rules import BUNDLE_COLUMNS, COLUMNS


class WardDay(models.Model):
    # No index of its own: the unique key starts with the ward. Every submission updates a handful of
    # these rows, and each index is one more entry written per update.
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    province_id = models.PositiveSmallIntegerField(_("mã tỉnh"))
    day = models.DateField(_("ngày"))
    group = models.CharField(_("nhóm"), max_length=5)
    procedure = models.CharField(_("thủ tục"), max_length=40, blank=True)  # "" for the bundle as a whole
    agency = models.CharField(_("cơ quan"), max_length=20, blank=True)  # "" except for agency step figures
    # When a change last reached the row: the province totals are refreshed from rows changed since.
    touched_at = models.DateTimeField(_("cập nhật lúc"), db_index=True)

    objects = CounterManager()

    class Meta:
        verbose_name = _("số liệu ngày theo xã")
        verbose_name_plural = _("số liệu ngày theo xã")
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "day", "group", "procedure", "agency"], name="dashboard_wardday_key"
            )
        ]
        indexes = [
            models.Index(fields=["province_id", "day"], name="dashboard_wardday_prov_day"),
            # The ward ranking reads only whole-bundle rows, by day across all wards: a partial index
            # that also carries their counters answers it from the index alone (PostgreSQL).
            models.Index(
                fields=["day", "ward"],
                include=list(BUNDLE_COLUMNS),
                condition=models.Q(procedure="", agency=""),
                name="dashboard_wardday_whole_day",
            ),
            # The same within one province: a province's ranking over a year reads its own entries
            # only, not every province's in that range.
            models.Index(
                fields=["province_id", "day", "ward"],
                include=list(BUNDLE_COLUMNS),
                condition=models.Q(procedure="", agency=""),
                name="dashboard_wardday_prov_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.day:%d/%m/%Y} {self.group} {self.procedure or '—'}"


class ProvinceDay(models.Model):
    """The same figures summed over a province's wards, so province- and country-wide pages read a few
    thousand rows instead of every ward's. Derived: refreshed from the ward rows by a periodic job
    (and by ``rebuild_rollups``); never written by a request, so it is never a hot row."""

    province_id = models.PositiveSmallIntegerField(_("mã tỉnh"))
    day = models.DateField(_("ngày"))
    group = models.CharField(_("nhóm"), max_length=5)
    procedure = models.CharField(_("thủ tục"), max_length=40, blank=True)
    agency = models.CharField(_("cơ quan"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("số liệu ngày theo tỉnh")
        verbose_name_plural = _("số liệu ngày theo tỉnh")
        constraints = [
            models.UniqueConstraint(
                fields=["province_id", "day", "group", "procedure", "agency"],
                name="dashboard_provinceday_key",
            )
        ]
        # Country-wide reads select by day across provinces.
        indexes = [models.Index(fields=["day"], name="dashboard_provinceday_day")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.day:%d/%m/%Y} {self.group} {self.procedure or '—'}"


class RefreshMark(models.Model):
    """Up to when the province totals are known to include every ward row change."""

    name = models.CharField(max_length=40, primary_key=True)
    refreshed_to = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.refreshed_to:%d/%m/%Y %H:%M:%S}"


# Zero in the database too: the roll-up upsert then writes only the counters a change touches.
for _model in (WardDay, ProvinceDay):
    for _column in COLUMNS:
        _model.add_to_class(_column, models.IntegerField(default=0, db_default=0))
