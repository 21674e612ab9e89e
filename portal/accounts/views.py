import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from portal.common.problems import problem_json

from .demo import DEMO_CITIZENS
from .forms import MockEidForm, SecondFactorForm, StaffAuthenticationForm
from .models import User
from .rules import can_use_back_office, second_factor_asked
from .services import (
    citizen_from_eid,
    second_factor_verify,
    totp_device_of,
    totp_enrolment_start,
)

# A password that was right but still awaits its code: who, through which backend, until when, where
# to go next and how many codes were wrong. Nobody is signed in until the code is right.
PENDING_KEY = "second_factor_pending"
PENDING_SECONDS = 300
PENDING_TRIES = 5


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/staff_login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not second_factor_asked(user, has_device=totp_device_of(user=user) is not None):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "until": time.time() + PENDING_SECONDS,
            "next": self.get_success_url(),
            "tries": 0,
        }
        return redirect("accounts:second-factor")


def admin_login(request, extra_context=None):
    """The admin's own sign-in form would skip the second step: it sends people to the staff one."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, login_url=reverse("accounts:staff-login"))


def _authenticator_context(device) -> dict:
    """What a person needs to add the portal to an authenticator app: a QR code drawn as inline SVG
    (no image request, nothing external) and the same secret as text, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return {
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff"),
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


@require_http_methods(["GET", "POST"])
def second_factor(request):
    """The second step of a staff sign-in: the code from the authenticator app, or, the first time,
    setting the app up (scan, then type a code to prove it works)."""
    pending = request.session.get(PENDING_KEY)
    user = pending and User.objects.filter(pk=pending["user"], is_active=True).first()
    if not user or pending["until"] < time.time():
        request.session.pop(PENDING_KEY, None)
        messages.info(
            request, gettext("Phiên đăng nhập đã hết hạn. Vui lòng nhập lại tên đăng nhập và mật khẩu.")
        )
        return redirect("accounts:staff-login")
    device = totp_device_of(user=user)
    enrolling = device is None
    if enrolling:
        device = totp_enrolment_start(user=user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = second_factor_verify(user=user, device=device, code=form.cleaned_data["code"])
        if check:
            del request.session[PENDING_KEY]
            request.sign_in_method = "password+totp"
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
        pending["tries"] += check.checked  # a code not looked at (while waiting) is no wrong guess
        if pending["tries"] >= PENDING_TRIES:
            request.session.pop(PENDING_KEY, None)
            messages.error(
                request, gettext("Nhập sai mã xác thực quá nhiều lần. Vui lòng đăng nhập lại từ đầu.")
            )
            return redirect("accounts:staff-login")
        request.session[PENDING_KEY] = pending
        form.add_error("code", check.message)
    context = {"form": form, "enrolling": enrolling, "full_name": user.full_name or user.username}
    if enrolling:
        context.update(_authenticator_context(device))
    return render(request, "accounts/second_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_settings(request):
    """A signed-in staff member's two-step sign-in: on for leaders, provincial staff and
    administrators; a clerk may turn it on here (codes are then asked at every sign-in)."""
    if not can_use_back_office(request.user):
        raise Http404
    device = totp_device_of(user=request.user)
    context = {"device": device}
    if device is None:
        pending_device = totp_enrolment_start(user=request.user)
        form = SecondFactorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            check = second_factor_verify(
                user=request.user, device=pending_device, code=form.cleaned_data["code"]
            )
            if check:
                otp_login(request, pending_device)
                messages.success(request, gettext("Đã bật xác thực hai bước cho tài khoản."))
                return redirect("accounts:second-factor-settings")
            form.add_error("code", check.message)
        context.update(form=form, **_authenticator_context(pending_device))
    return render(request, "accounts/second_factor_settings.html", context)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:staff-login")
    post_reset_login = False


def citizen_sign_in(request):
    """Where 'Đăng nhập bằng VNeID' leads: the mock page in the demo, the OIDC provider otherwise."""
    if settings.CITIZEN_EID == "mock" and getattr(settings, "DEMO_MODE", False):
        return redirect(reverse("mock-eid"))
    if settings.CITIZEN_EID == "oidc" and settings.OIDC_RP_CLIENT_ID:
        return redirect(reverse("oidc_authentication_init"))
    raise Http404("Đăng nhập định danh điện tử chưa được cấu hình.")


@require_http_methods(["GET", "POST"])
def mock_eid(request):
    """A stand-in for VNeID in the demo: pick one of the demo identities; the portal then receives
    the same verified claims a real provider would send and signs the citizen in through the same
    service as OpenID Connect does. Mounted only by the demo URL configuration."""
    if not getattr(settings, "DEMO_MODE", False):
        raise Http404
    form = MockEidForm(request.POST or None, identities=DEMO_CITIZENS)
    if request.method == "POST" and form.is_valid():
        identity = DEMO_CITIZENS[int(form.cleaned_data["citizen"])]
        user = citizen_from_eid(
            id_number=identity["id_number"],
            full_name=identity["full_name"],
            date_of_birth=identity["date_of_birth"],
            sex=identity["sex"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("web:home")
        return redirect(target)
    return render(request, "accounts/mock_eid.html", {"form": form})


def lockout_response(request, *args, **kwargs):
    """django-axes calls this when a username is locked out after repeated failures."""
    message = (
        "Tài khoản tạm thời bị khoá do đăng nhập sai nhiều lần. Vui lòng thử lại sau hoặc liên hệ quản trị."
    )
    if request.path.startswith("/api/"):
        return problem_json(status_code=429, detail=message, title="Tài khoản tạm khoá")
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)
