from django.urls import path

from . import backoffice, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("can-bo/", views.staff_home, name="staff-home"),
    path("can-bo/ho-so/", backoffice.queue, name="queue"),
    path("can-bo/tim-kiem/", backoffice.search, name="search"),
    path("can-bo/ho-so/<uuid:key>/", backoffice.case, name="case"),
    path("can-bo/ho-so/<uuid:key>/<str:action>/", backoffice.case_action, name="case-action"),
]
