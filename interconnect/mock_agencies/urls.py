from django.urls import path

from . import views

urlpatterns = [
    path("_knobs/", views.knobs_view, name="mock-agency-knobs"),
    path("<str:agency>/requests/", views.receive, name="mock-agency-receive"),
    path("<str:agency>/requests/<uuid:key>", views.status, name="mock-agency-status"),
    path("<str:agency>/_bare/", views.bare, name="mock-agency-bare"),
]
