from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("so-lieu/", views.dashboard, name="index"),
    path("so-lieu/xuat.csv", views.export_csv, name="export"),
]
