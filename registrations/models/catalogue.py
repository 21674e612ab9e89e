"""The procedure catalogue: data with effective dates, so a decree is a data change."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.common.process_cache import ProcessCache

from ..constants import Agency, BenefitBase, Group, Regime, RegistrationPlace

# Names for messages and pages; the catalogue holds the authoritative name per version.
PROCEDURE_LABELS = {
    "birth_registration": _("Đăng ký khai sinh"),
    "personal_id": _("Cấp số định danh cá nhân"),
    "permanent_residence": _("Đăng ký thường trú"),
    "health_insurance": _("Cấp thẻ bảo hiểm y tế"),
    "child_id_card": _("Cấp thẻ căn cước cho trẻ"),
    "death_registration": _("Đăng ký khai tử"),
    "residence_removal": _("Xoá đăng ký thường trú"),
    "funeral_allowance": _("Mai táng phí, trợ cấp tuất"),
}


class CatalogueVersion(models.Model):
    """The procedures and rules in force from one date, as a legal act set them."""

    code = models.CharField(_("mã phiên bản"), max_length=40, unique=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=200)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(
        _("hết hiệu lực từ"),
        null=True,
        blank=True,
        help_text=_("Ngày đầu tiên không còn áp dụng; để trống nếu đang áp dụng."),
    )

    class Meta:
        verbose_name = _("phiên bản danh mục thủ tục")
        verbose_name_plural = _("phiên bản danh mục thủ tục")
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.code} ({self.effective_from:%d/%m/%Y})"


class GroupRule(models.Model):
    """Rules of one procedure group within a catalogue version."""

    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="groups")
    group = models.CharField(_("nhóm"), max_length=10, choices=Group.choices)
    national_code = models.CharField(_("mã thủ tục quốc gia"), max_length=20, blank=True)
    title = models.CharField(_("tên nhóm thủ tục"), max_length=300)
    time_limit_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết (ngày làm việc)"))
    verification_time_limit_days = models.PositiveSmallIntegerField(
        _("thời hạn khi cần xác minh (ngày làm việc)"), null=True, blank=True
    )
    legal_window_days = models.PositiveSmallIntegerField(
        _("thời hạn đăng ký theo luật (ngày)"),
        help_text=_("Khai sinh 60 ngày kể từ ngày sinh; khai tử 15 ngày kể từ ngày chết."),
    )
    allowed_sets = models.JSONField(
        _("các tổ hợp thủ tục được chọn"),
        default=list,
        blank=True,
        help_text=_(
            "Danh sách các tổ hợp thủ tục tuỳ chọn được phép; để trống nghĩa là thủ tục đăng ký "
            "cùng ít nhất một thủ tục tuỳ chọn bất kỳ."
        ),
    )
    supplement_days = models.PositiveSmallIntegerField(_("thời hạn bổ sung hồ sơ (ngày làm việc)"), default=7)
    supplement_reminder_days = models.PositiveSmallIntegerField(
        _("nhắc trước hạn bổ sung (ngày làm việc)"), default=2
    )
    extract_title = models.CharField(_("tên giấy tờ kết quả"), max_length=100)
    registration_place = models.CharField(
        _("nơi đăng ký"),
        max_length=20,
        choices=RegistrationPlace.choices,
        default=RegistrationPlace.RESIDENCE,
        db_default=RegistrationPlace.RESIDENCE,
        help_text=_(
            "Khai sinh: nơi cư trú của cha hoặc mẹ, hoặc không phụ thuộc nơi cư trú (Luật Hộ tịch "
            "03/2026/QH16). Khai tử: nơi cư trú cuối cùng, không xác định được thì nơi chết."
        ),
    )

    class Meta:
        verbose_name = _("quy định nhóm thủ tục")
        verbose_name_plural = _("quy định nhóm thủ tục")
        constraints = [models.UniqueConstraint(fields=["version", "group"], name="group_rule_per_version")]

    def __str__(self) -> str:
        return f"{self.version.code}: {self.get_group_display()}"


class Procedure(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="procedures")
    code = models.CharField(_("mã thủ tục"), max_length=40)
    group = models.CharField(_("nhóm"), max_length=10, choices=Group.choices)
    name = models.CharField(_("tên thủ tục"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True, db_default="", default="")
    agency = models.CharField(_("cơ quan giải quyết"), max_length=20, choices=Agency.choices)
    optional = models.BooleanField(
        _("người dân chọn"),
        default=True,
        help_text=_("Không chọn: luôn có trong hồ sơ (đăng ký, cấp số định danh)."),
    )
    depends_on = models.JSONField(
        _("phụ thuộc"),
        default=list,
        blank=True,
        help_text=_("Mã các bước phải xong trước; 'signed_extract' là trích lục đã ký."),
    )
    time_limit_days = models.PositiveSmallIntegerField(_("thời hạn (ngày làm việc)"), default=0)
    by_regime = models.JSONField(
        _("theo chế độ"),
        default=dict,
        blank=True,
        help_text=_(
            'Cơ quan và thời hạn theo chế độ, ví dụ {"meritorious": {"agency": "labour", "days": 18}}.'
        ),
    )
    max_child_age_years = models.PositiveSmallIntegerField(
        _("chỉ cho trẻ dưới (tuổi)"), null=True, blank=True
    )
    required_fields = models.JSONField(_("trường bắt buộc"), default=list, blank=True)
    required_attachments = models.JSONField(_("giấy tờ bắt buộc"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thủ tục")
        verbose_name_plural = _("thủ tục")
        ordering = ["version", "group", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="procedure_code_per_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version.code})"

    @property
    def shown_name(self) -> str:
        """The name in the page's language: the catalogue keeps both (English when it has one)."""
        english = (translation.get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


class BenefitRate(models.Model):
    """A legal amount that allowances are computed from, in force from a date: a decree changes it,
    and a data row records the change (the family's amount follows the date the law ties it to)."""

    code = models.CharField(_("mức"), max_length=30, choices=BenefitBase.choices)
    effective_from = models.DateField(_("áp dụng từ"))
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=200)

    class Meta:
        verbose_name = _("mức tính trợ cấp")
        verbose_name_plural = _("mức tính trợ cấp")
        ordering = ["code", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="one_rate_per_day")]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.amount_vnd:,} ({self.effective_from:%d/%m/%Y})"


class FuneralBenefitRule(models.Model):
    """How a regime's funeral allowance or funeral-cost support is computed from a rate, in force from
    a date (the law states it as a multiple: 10 × the reference level, 20 × the assistance standard)."""

    regime = models.CharField(_("chế độ"), max_length=20, choices=Regime.choices)
    effective_from = models.DateField(_("áp dụng từ"))
    base = models.CharField(_("tính theo mức"), max_length=30, choices=BenefitBase.choices)
    multiplier = models.PositiveSmallIntegerField(_("số lần"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=200)

    class Meta:
        verbose_name = _("cách tính mai táng phí")
        verbose_name_plural = _("cách tính mai táng phí")
        ordering = ["regime", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "effective_from"], name="one_funeral_rule_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_regime_display()}: {self.multiplier} × {self.get_base_display()}"


_agency_names = ProcessCache(seconds=60)


class AgencyNameManager(models.Manager):
    def name_for(self, *, agency: str, day: date, regime: str = "", english: bool | None = None) -> str:
        """The body a person reads for ``agency`` on ``day``: the row for that regime if there is one,
        else the agency's own, in force that day (the newest from on or before it); in English when
        the page is (``english`` unset: the language of the request being answered)."""
        if english is None:
            english = (get_language() or "").startswith("en")
        rows = _agency_names.get("all", lambda: list(self.order_by("-effective_from")))
        for wanted in [regime, ""] if regime else [""]:
            for row in rows:  # newest first
                if row.agency == agency and row.regime == wanted and row.effective_from <= day:
                    return row.name_en if english and row.name_en else row.name
        return dict(Agency.choices).get(agency, agency)


class AgencyName(models.Model):
    """What an agency is called, from a date: ministries merge and duties move (the welfare role,
    contract code ``labour``, went from the former labour ministry to Home Affairs and Health
    on 1 March 2025, and to the commune and the provincial Department of Home Affairs on 1 July 2025).
    A bundle shows the body in force on the day it was filed."""

    agency = models.CharField(_("cơ quan (mã liên thông)"), max_length=20, choices=Agency.choices)
    regime = models.CharField(
        _("chỉ cho chế độ"),
        max_length=20,
        choices=Regime.choices,
        blank=True,
        help_text=_("Để trống: mọi chế độ."),
    )
    effective_from = models.DateField(_("áp dụng từ"))
    name = models.CharField(_("tên hiển thị"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)

    objects = AgencyNameManager()

    class Meta:
        verbose_name = _("tên cơ quan theo thời gian")
        verbose_name_plural = _("tên cơ quan theo thời gian")
        ordering = ["agency", "regime", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "regime", "effective_from"], name="one_agency_name_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"


def agency_names_forget(**_) -> None:
    _agency_names.clear()
