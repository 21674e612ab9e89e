"""Admin building blocks. Django's admin is the back office's fallback screen, so it obeys the same
two rules as every page: permissions follow the role, and rows follow the jurisdiction."""

from __future__ import annotations

from .constants import BACK_OFFICE_ROLES, Role
from .jurisdiction import scope_for_user


def _is_admin(user) -> bool:
    return user.is_active and (user.is_superuser or user.role == Role.ADMIN)


class RoleAdminMixin:
    """Which roles may view / change / add / delete. Administrators may do everything."""

    view_roles: tuple[str, ...] = tuple(BACK_OFFICE_ROLES)
    change_roles: tuple[str, ...] = ()
    add_roles: tuple[str, ...] = ()
    delete_roles: tuple[str, ...] = ()

    def _allowed(self, request, roles) -> bool:
        user = request.user
        return _is_admin(user) or (user.is_active and user.is_staff and user.role in roles)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, (*self.view_roles, *self.change_roles))

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, self.change_roles)

    def has_add_permission(self, request):
        return self._allowed(request, self.add_roles)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, self.delete_roles)


class ReadOnlyAdminMixin(RoleAdminMixin):
    """Reference data and logs: viewable, never edited through the admin (administrators included)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JurisdictionAdminMixin(RoleAdminMixin):
    """Rows outside the user's jurisdiction do not exist for them: not in lists, counts, filters or
    by guessing an id in the URL (the admin then answers as for a missing object)."""

    def get_queryset(self, request):
        return scope_for_user(super().get_queryset(request), request.user)
