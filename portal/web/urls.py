from django.urls import path

from . import accounts_admin, backoffice, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("can-bo/", views.staff_home, name="staff-home"),
    path("can-bo/ho-so/", backoffice.queue, name="queue"),
    path("can-bo/tim-kiem/", backoffice.search, name="search"),
    path("can-bo/tai-khoan/", accounts_admin.staff_accounts, name="staff-accounts"),
    path("can-bo/tai-khoan/<int:pk>/vo-hieu-hoa/", accounts_admin.staff_deactivate, name="staff-deactivate"),
    path("can-bo/ho-so/<uuid:key>/", backoffice.case, name="case"),
    path("can-bo/ho-so/<uuid:key>/<str:action>/", backoffice.case_action, name="case-action"),
]
