"""Who reads the API's schema and documentation: everyone where ``API_DOCS_PUBLIC`` says so (the demo
and development), otherwise staff and the API clients that integrate against it (agencies, hospitals),
signed in by session or token. A visitor who may not is sent to the staff sign-in, not shown an error."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from .constants import Role


class DocsReaders(BasePermission):
    message = "Tài liệu API chỉ dành cho cán bộ và hệ thống liên thông đã đăng nhập."

    def has_permission(self, request, view) -> bool:
        if settings.API_DOCS_PUBLIC:
            return True
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or user.role != Role.CITIZEN))


class SchemaView(SpectacularAPIView):
    permission_classes = [DocsReaders]


class DocsView(SpectacularSwaggerView):
    permission_classes = [DocsReaders]

    def handle_exception(self, exc):
        # An HTML page: a person who is not signed in is taken to the sign-in and brought back.
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.PermissionDenied):
            if not self.request.user.is_authenticated:
                return redirect_to_login(self.request.get_full_path())
            return super().handle_exception(exceptions.NotFound())
        return super().handle_exception(exc)
