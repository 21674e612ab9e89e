from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from portal.common.problems import PROBLEM_CONTENT_TYPE

from .demo import DEMO_CITIZENS
from .forms import MockEidForm, StaffAuthenticationForm
from .services import citizen_from_eid


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/staff_login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


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
        return JsonResponse(
            {"type": "about:blank", "title": "Tài khoản tạm khoá", "status": 429, "detail": message},
            status=429,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)
