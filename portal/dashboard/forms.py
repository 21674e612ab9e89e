"""The dashboard's filters, shared by the page, the CSV export and the JSON API."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.common.collation import vietnamese_key
from portal.common.text import Vietnamese, ascii_digits
from portal.common.widgets import NamesSelect
from portal.divisions.models import Province, Ward

from .selectors import RANKING_COLUMNS, Filters

PERIODS = {"hom-nay": 1, "7-ngay": 7, "30-ngay": 30}
MAX_RANGE_DAYS = 5 * 366


DAY_FIRST = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]  # ISO kept for links and the API


def _day_field(label) -> forms.DateField:
    """A date typed day first: the browser's own date input would follow its locale (mm/dd/yyyy)."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DAY_FIRST,
        help_text=_("Ngày/tháng/năm, ví dụ 22/11/2026."),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"inputmode": "numeric", "maxlength": 10}),
        error_messages={"invalid": _("Ngày không đúng: ghi ngày/tháng/năm, ví dụ 22/11/2026.")},
    )


class DashboardFilterForm(forms.Form):
    ky = forms.ChoiceField(
        label=_("Khoảng thời gian"),
        required=False,
        choices=[
            ("hom-nay", _("Hôm nay")),
            ("7-ngay", _("7 ngày")),
            ("30-ngay", _("30 ngày")),
            ("tuy-chon", _("Tuỳ chọn")),
        ],
    )
    tu = _day_field(_("Từ ngày"))
    den = _day_field(_("Đến ngày"))
    tinh = forms.TypedChoiceField(
        label=_("Tỉnh, thành phố"), required=False, coerce=int, empty_value=None, widget=NamesSelect
    )
    xa = forms.TypedChoiceField(
        label=_("Xã, phường"), required=False, coerce=int, empty_value=None, widget=NamesSelect
    )
    nhom = forms.ChoiceField(
        label=_("Nhóm thủ tục"),
        required=False,
        choices=[("", _("Tất cả")), ("birth", _("Khai sinh")), ("death", _("Khai tử"))],
    )
    xep = forms.ChoiceField(
        label=_("Xếp hạng theo"), required=False, choices=[(c, c) for c in RANKING_COLUMNS]
    )

    def __init__(self, data: dict, *, province: int | None):
        if not data.get("ky"):
            data = {**data, "ky": "30-ngay"}
        super().__init__(data)
        self.scope = province
        if province is None:
            self.fields["tinh"].choices = [("", _("Cả nước")), *_alphabetical(Province.objects)]
        else:
            del self.fields["tinh"]
        chosen = self.data.get("tinh") if province is None else province
        wards = (
            Ward.objects.filter(province_id=int(chosen))
            if ascii_digits(str(chosen or ""))
            else Ward.objects.none()
        )
        self.fields["xa"].choices = [("", _("Tất cả")), *_alphabetical(wards)]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        period = data.get("ky") or "30-ngay"
        if period in PERIODS:
            data["tu"], data["den"] = today - timedelta(days=PERIODS[period] - 1), today
        else:
            start, end = data.get("tu"), data.get("den")
            if start is None:
                self.add_error("tu", _("Chọn ngày bắt đầu."))
            if end is None:
                self.add_error("den", _("Chọn ngày kết thúc."))
            if start and end and start > end:
                self.add_error("den", _("Ngày kết thúc phải sau ngày bắt đầu."))
            if start and end and (end - start).days > MAX_RANGE_DAYS:
                self.add_error("tu", _("Khoảng thời gian tối đa là 5 năm."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        province = self.scope if self.scope is not None else data.get("tinh")
        return Filters(
            start=data["tu"],
            end=data["den"],
            province=province,
            ward=data.get("xa"),
            group=data.get("nhom") or None,
        )

    def order(self) -> str:
        return self.cleaned_data.get("xep") or "on_time_rate"


def _alphabetical(divisions) -> list[tuple[int, str]]:
    rows = sorted(divisions.values_list("code", "name"), key=lambda row: vietnamese_key(row[1]))
    return [(code, Vietnamese(name)) for code, name in rows]


def default_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=29), today
