"""URL wiring for production. The demo configuration (``urls_demo``) adds demo-only pages on top."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal.accounts.api import ObtainTokenView
from portal.accounts.apidocs import DocsView, SchemaView
from portal.accounts.views import admin_login
from portal.dashboard.views import DashboardApiView
from portal.divisions.views import ward_suggestions
from portal.health import views as health

admin.site.site_header = _("Quản trị — Cổng dịch vụ công liên thông")
admin.site.site_title = _("Quản trị cổng liên thông")
admin.site.index_title = _("Quản trị nghiệp vụ")
admin.site.login = admin_login

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("dashboard/", DashboardApiView.as_view(), name="dashboard"),
    path("", include("interconnect.urls")),
    path("", include("registrations.urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("metrics", health.metrics, name="metrics"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dia-gioi/xa-phuong/", ward_suggestions, name="ward-suggestions"),
    path("tai-khoan/", include("portal.accounts.urls")),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SchemaView.as_view(), name="openapi-schema"),
    path("api/docs/", DocsView.as_view(url_name="openapi-schema"), name="openapi-docs"),
    path("", include("signing.urls")),
    path("", include("portal.dashboard.urls")),
    path("", include("portal.web.urls")),
]

if settings.CITIZEN_EID == "oidc":
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler403 = "portal.web.views.forbidden"
handler404 = "portal.web.views.not_found"
handler500 = "portal.web.views.server_error"
