from django.urls import path

from . import demo, views

urlpatterns = [
    path("", demo.file_page, name="mock-national-portal"),
    path("ho-so/", views.history, name="mock-national-portal-history"),
    path("_knobs/", views.knobs_view, name="mock-national-portal-knobs"),
    # the coordination style
    path("auth/token", views.token),
    path("dossiers", views.dossiers),
    path("dossiers/<str:code>", views.dossier),
    path("dossiers/<str:code>/ack", views.acknowledge),
    path("dossiers/<str:code>/status", views.status),
    # the dossier-sync style
    path("login", views.login),
    path("service", views.service),
]
