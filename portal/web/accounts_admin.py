"""Provincial staff manage the clerks and leaders of their province's wards."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portal.accounts import services
from portal.accounts.constants import WARD_ROLES, Role
from portal.accounts.decorators import back_office_required
from portal.accounts.models import User
from portal.common.collation import vietnamese_key
from portal.common.text import Vietnamese, fold_accents
from portal.common.widgets import NamesSelect
from portal.divisions.models import Ward


def _province_staff_only(user) -> None:
    if user.role not in (Role.PROVINCE_STAFF, Role.ADMIN) and not user.is_superuser:
        raise PermissionDenied("Chỉ cán bộ Sở Tư pháp quản lý tài khoản cấp xã.")


class StaffForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=100)
    email = forms.EmailField(label=_("Email (nhận đường dẫn đặt mật khẩu)"))
    role = forms.ChoiceField(
        label=_("Vai trò"),
        choices=[(Role.WARD_CLERK, Role.WARD_CLERK.label), (Role.WARD_LEADER, Role.WARD_LEADER.label)],
    )
    ward = forms.TypedChoiceField(label=_("Xã, phường"), coerce=int, widget=NamesSelect)
    title = forms.CharField(
        label=_("Chức danh"),
        max_length=100,
        required=False,
        help_text=_("Với lãnh đạo: Chủ tịch hoặc Phó Chủ tịch (in trên trích lục)."),
    )

    def __init__(self, *args, wards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [
            (w.code, Vietnamese(w.name)) for w in sorted(wards, key=lambda w: vietnamese_key(w.name))
        ]


@back_office_required
@require_http_methods(["GET", "POST"])
def staff_accounts(request):
    _province_staff_only(request.user)
    wards = (
        Ward.objects.all()
        if request.user.role == Role.ADMIN
        else Ward.objects.filter(province_id=request.user.province_id)
    )
    form = StaffForm(request.POST or None, wards=wards)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.staff_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                role=data["role"],
                ward_code=data["ward"],
                title=data["title"],
            )
        except services.AccountRefused as exc:
            for field, problems in exc.errors.items():
                form.add_error(None if field == "__all__" else "ward", problems)
        else:
            messages.success(
                request,
                gettext("Đã tạo tài khoản %(username)s; đường dẫn đặt mật khẩu đã gửi tới %(email)s.")
                % {"username": user.username, "email": user.email},
            )
            return redirect("web:staff-accounts")
    query = request.GET.get("q", "").strip()
    accounts = User.objects.for_user(request.user).filter(role__in=sorted(WARD_ROLES)).select_related("ward")
    if query:
        accounts = [a for a in accounts if fold_accents(query) in fold_accents(f"{a.username} {a.full_name}")]
    else:
        accounts = accounts.order_by("ward__name", "username")[:200]
    return render(request, "web/staff_accounts.html", {"form": form, "accounts": accounts, "query": query})


@back_office_required
@require_http_methods(["POST"])
def staff_deactivate(request, pk: int):
    _province_staff_only(request.user)
    user = get_object_or_404(
        User.objects.for_user(request.user).filter(Q(role__in=sorted(WARD_ROLES))), pk=pk
    )
    if not request.POST.get("confirm"):
        messages.error(request, gettext("Vui lòng xác nhận trước khi vô hiệu hoá."))
    else:
        try:
            services.staff_deactivate(actor=request.user, user=user)
        except services.AccountRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, gettext("Đã vô hiệu hoá tài khoản %(username)s.") % {"username": user.username}
            )
    return redirect("web:staff-accounts")
