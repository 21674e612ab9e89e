"""Filing at the ward's one-stop counter: the clerk checks a walk-in citizen's identity (personal ID
number, then the code the citizen receives on their e-ID account and reads out), then fills in the
citizen's own bundle with them on the usual filing pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portal.accounts.constants import Role
from portal.accounts.decorators import back_office_required
from portal.accounts.models import CounterCheck
from portal.accounts.services import CounterRefused, counter_check_confirm, counter_check_start
from portal.common.identifiers import mask_personal_id
from registrations import services
from registrations.constants import Group


class CounterStartForm(forms.Form):
    id_number = forms.RegexField(
        regex=r"^[0-9]{12}$",
        label=_("Số định danh cá nhân của công dân"),
        help_text=_("Đối chiếu với thẻ căn cước công dân xuất trình."),
        error_messages={
            "invalid": _("Số định danh gồm đúng 12 chữ số."),
            "required": _("Vui lòng nhập số định danh."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    group = forms.ChoiceField(
        label=_("Nhóm thủ tục"), choices=Group.choices, widget=forms.RadioSelect, initial=Group.BIRTH
    )


class CounterCodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*[0-9]{6}\s*$",
        label=_("Mã xác nhận công dân đọc"),
        help_text=_("Mã 6 chữ số vừa gửi tới tài khoản định danh điện tử của công dân."),
        error_messages={"invalid": _("Mã gồm đúng 6 chữ số."), "required": _("Vui lòng nhập mã xác nhận.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _clerk(request) -> None:
    if request.user.role != Role.WARD_CLERK or not request.user.ward_id:
        raise PermissionDenied("Chỉ công chức một cửa của xã, phường nộp hồ sơ thay công dân.")


@back_office_required
@require_http_methods(["GET", "POST"])
def start(request):
    _clerk(request)
    form = CounterStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = counter_check_start(
                clerk=request.user, id_number=form.cleaned_data["id_number"], group=form.cleaned_data["group"]
            )
        except CounterRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            return redirect("web:counter-confirm", pk=check.pk)
    return render(request, "web/counter_start.html", {"form": form})


@back_office_required
@require_http_methods(["GET", "POST"])
def confirm(request, pk: int):
    _clerk(request)
    check = get_object_or_404(CounterCheck.objects.select_related("citizen"), pk=pk, clerk=request.user)
    if check.confirmed_at:
        return redirect("web:counter-start")
    form = CounterCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            counter_check_confirm(check=check, clerk=request.user, code=form.cleaned_data["code"])
        except CounterRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            bundle = services.bundle_start_at_counter(
                clerk=request.user, citizen=check.citizen, group=check.group
            )
            return redirect("web:filing-page", key=bundle.public_id, slug="thu-tuc")
    citizen = check.citizen
    return render(
        request,
        "web/counter_confirm.html",
        {
            "form": form,
            "check": check,
            "citizen_name": citizen.full_name,
            "citizen_id": mask_personal_id(citizen.id_number),
            "citizen_born": citizen.date_of_birth,
        },
    )
