"""The dashboard's filters, shared by the page, the CSV export and the JSON API."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from portal.common.text import ascii_digits
from portal.divisions.models import Province, Ward

from .selectors import RANKING_COLUMNS, Filters

PERIODS = {"hom-nay": 1, "7-ngay": 7, "30-ngay": 30}
MAX_RANGE_DAYS = 5 * 366


class DashboardFilterForm(forms.Form):
    ky = forms.ChoiceField(
        label="Khoảng thời gian",
        required=False,
        choices=[
            ("hom-nay", "Hôm nay"),
            ("7-ngay", "7 ngày"),
            ("30-ngay", "30 ngày"),
            ("tuy-chon", "Tuỳ chọn"),
        ],
    )
    tu = forms.DateField(label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    den = forms.DateField(label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tinh = forms.TypedChoiceField(label="Tỉnh, thành phố", required=False, coerce=int, empty_value=None)
    xa = forms.TypedChoiceField(label="Xã, phường", required=False, coerce=int, empty_value=None)
    nhom = forms.ChoiceField(
        label="Nhóm thủ tục",
        required=False,
        choices=[("", "Tất cả"), ("birth", "Khai sinh"), ("death", "Khai tử")],
    )
    xep = forms.ChoiceField(label="Xếp hạng theo", required=False, choices=[(c, c) for c in RANKING_COLUMNS])

    def __init__(self, data: dict, *, province: int | None):
        if not data.get("ky"):
            data = {**data, "ky": "30-ngay"}
        super().__init__(data)
        self.scope = province
        if province is None:
            self.fields["tinh"].choices = [("", "Cả nước"), *Province.objects.values_list("code", "name")]
        else:
            del self.fields["tinh"]
        chosen = self.data.get("tinh") if province is None else province
        wards = (
            Ward.objects.filter(province_id=int(chosen))
            if ascii_digits(str(chosen or ""))
            else Ward.objects.none()
        )
        self.fields["xa"].choices = [("", "Tất cả"), *wards.values_list("code", "name")]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        period = data.get("ky") or "30-ngay"
        if period in PERIODS:
            data["tu"], data["den"] = today - timedelta(days=PERIODS[period] - 1), today
        else:
            start, end = data.get("tu"), data.get("den")
            if start is None:
                self.add_error("tu", "Chọn ngày bắt đầu.")
            if end is None:
                self.add_error("den", "Chọn ngày kết thúc.")
            if start and end and start > end:
                self.add_error("den", "Ngày kết thúc phải sau ngày bắt đầu.")
            if start and end and (end - start).days > MAX_RANGE_DAYS:
                self.add_error("tu", "Khoảng thời gian tối đa là 5 năm.")
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


def default_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=29), today
