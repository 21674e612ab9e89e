"""Vietnam's two-level administrative divisions since 1 July 2025: 34 provinces, 3,321 wards."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.PositiveSmallIntegerField(_("mã tỉnh"), primary_key=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại"), max_length=40)
    codename = models.CharField(_("tên mã"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return province_full_name(self.name, self.division_type)


def province_full_name(name: str, division_type: str) -> str:
    """A province as texts write it after a ward: "tỉnh Nghệ An", "thành phố Hà Nội" (the package's
    city names already start with "Thành phố"; a province's name has no unit)."""
    if name.lower().startswith("thành phố "):
        return "thành phố " + name[len("thành phố ") :]
    if division_type == "tỉnh":
        return f"tỉnh {name}"
    return name


class Ward(models.Model):
    code = models.PositiveIntegerField(_("mã xã"), primary_key=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại"), max_length=40)
    codename = models.CharField(_("tên mã"), max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="wards", verbose_name=_("tỉnh")
    )

    class Meta:
        verbose_name = _("xã, phường, đặc khu")
        verbose_name_plural = _("xã, phường, đặc khu")
        ordering = ["province_id", "code"]
        indexes = [models.Index(fields=["province", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The ward and its province with its unit: "Phường Trường Vinh, tỉnh Nghệ An"."""
        return f"{self.name}, {self.province.full_name}"
