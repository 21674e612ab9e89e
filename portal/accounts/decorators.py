from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .rules import can_use_back_office


def back_office_required(view):
    """Staff pages: anonymous visitors go to the staff sign-in, signed-in non-staff get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_use_back_office(request.user):
            raise PermissionDenied("Trang này chỉ dành cho cán bộ.")
        return view(request, *args, **kwargs)

    return wrapper
