"""The demo's page of the mock portal: a demo citizen files a dossier there, as they would on
dichvucong.gov.vn, and the commune's clerk finds it in their queue at the next pull."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from portal.accounts.demo import DEMO_WARDS
from portal.accounts.models import User

from .filing import file_dossier


class FileForm(forms.Form):
    citizen = forms.ModelChoiceField(
        label="Người nộp (tài khoản VNeID mức 2)",
        queryset=User.objects.filter(role="citizen", username__startswith="citizen").order_by("username"),
        empty_label=None,
    )
    group = forms.ChoiceField(
        label="Dịch vụ công liên thông",
        choices=[("birth", "Khai sinh, thường trú, thẻ BHYT, thẻ căn cước cho trẻ dưới 6 tuổi"),
                 ("death", "Khai tử, xoá thường trú, trợ cấp mai táng, tử tuất")],
    )  # fmt: skip
    ward = forms.TypedChoiceField(
        label="UBND xã, phường giải quyết", coerce=int, choices=[(w, str(w)) for w in DEMO_WARDS]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.divisions.selectors import ward_label

        self.fields["citizen"].label_from_instance = lambda user: f"{user.full_name} ({user.username})"
        self.fields["ward"].choices = [(w, ward_label(w)) for w in DEMO_WARDS]


def file_page(request):
    form = FileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dossier = file_dossier(
            citizen=form.cleaned_data["citizen"],
            group=form.cleaned_data["group"],
            ward=form.cleaned_data["ward"],
        )
        messages.success(request, f"Đã nộp hồ sơ {dossier.code} trên Cổng Dịch vụ công (giả lập).")
        return redirect("mock-national-portal-history")
    return render(request, "national_portal_mock/file.html", {"form": form})
