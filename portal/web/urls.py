from django.urls import path

from . import accounts_admin, backoffice, citizen, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("can-bo/", views.staff_home, name="staff-home"),
    path("ho-so-cua-toi/", citizen.my_bundles, name="my-bundles"),
    path("ho-so-cua-toi/<uuid:key>/", citizen.status, name="status"),
    path("ho-so-cua-toi/<uuid:key>/cac-buoc/", citizen.status_fragment, name="status-fragment"),
    path("can-bo/ho-so/", backoffice.queue, name="queue"),
    path("can-bo/tim-kiem/", backoffice.search, name="search"),
    path("can-bo/tai-khoan/", accounts_admin.staff_accounts, name="staff-accounts"),
    path("can-bo/tai-khoan/<int:pk>/vo-hieu-hoa/", accounts_admin.staff_deactivate, name="staff-deactivate"),
    path("can-bo/ho-so/<uuid:key>/", backoffice.case, name="case"),
    path("can-bo/ho-so/<uuid:key>/<str:action>/", backoffice.case_action, name="case-action"),
]
