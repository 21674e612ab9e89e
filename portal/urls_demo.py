"""The demo URL configuration: everything of production plus pages that exist only for a demo (the
mock VNeID sign-in, the test PKI, the mock remote signing; the mock agencies and the mock national
portal come with the interconnect)."""

from django.urls import include, path

from portal.accounts import views as account_views
from signing.pki import mount as test_pki

from .urls import handler403, handler404, handler500  # noqa: F401
from .urls import urlpatterns as production_urlpatterns

urlpatterns = [
    path("mock-vneid/", account_views.mock_eid, name="mock-eid"),
    path("mock-agencies/", include("interconnect.mock_agencies.urls")),
    path("mock-dich-vu-cong/", include("interconnect.national_portal.mock.urls")),
    path("mock-pki/<path:rest>", test_pki.serve, name="mock-pki"),
    path("mock-ky-so-tu-xa/csc/v1/<path:endpoint>", test_pki.serve_remote, name="mock-remote-signing"),
    path("mock-ky-so-tu-xa/dien-thoai/", test_pki.phone, name="mock-phone"),
    *production_urlpatterns,
]
