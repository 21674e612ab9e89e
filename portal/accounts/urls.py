from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.StaffLoginView.as_view(), name="staff-login"),
    path("dang-nhap/ma-xac-thuc/", views.second_factor, name="second-factor"),
    path("xac-thuc-hai-buoc/", views.second_factor_settings, name="second-factor-settings"),
    path("dang-nhap/vneid/", views.citizen_sign_in, name="citizen-login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("dat-mat-khau/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
]
