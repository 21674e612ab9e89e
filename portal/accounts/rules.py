"""Account rules in one place: who may use which part of the portal, and what a staff row must hold."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from portal.common.text import ascii_digits

from .constants import BACK_OFFICE_ROLES, SECOND_FACTOR_ROLES, WARD_ROLES, Role

IMPORTABLE_ROLES = frozenset(WARD_ROLES)
USERNAME_MAX = 150


def can_use_back_office(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.role in BACK_OFFICE_ROLES or user.is_superuser)
    )


def may_sign_in_with_password(user) -> bool:
    """Staff sign in with a password; citizens go through e-ID; systems use API tokens only."""
    return user.role in BACK_OFFICE_ROLES or user.is_superuser


def second_factor_required(user) -> bool:
    """Leaders, provincial staff and administrators confirm every password sign-in with a code."""
    return user.role in SECOND_FACTOR_ROLES or user.is_superuser


def second_factor_asked(user, *, has_device: bool) -> bool:
    """A code is asked of those who must give one, and of any clerk who chose to turn it on."""
    return has_device or second_factor_required(user)


def staff_row_errors(row: dict[str, str], *, ward_exists, username_taken) -> list[str]:
    """Field-level problems of one staff row, in Vietnamese. ``ward_exists`` and ``username_taken``
    are callables so the caller can answer from preloaded sets."""
    errors = []
    username = row.get("username", "").strip()
    if not username:
        errors.append("thiếu tên đăng nhập (username)")
    elif len(username) > USERNAME_MAX or not all(c.isalnum() or c in "@.+-_" for c in username):
        errors.append(f"tên đăng nhập '{username}' không hợp lệ")
    elif username_taken(username):
        errors.append(f"tên đăng nhập '{username}' đã tồn tại")
    if not row.get("full_name", "").strip():
        errors.append("thiếu họ và tên (full_name)")
    email = row.get("email", "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors.append(f"email '{email}' không hợp lệ")
    role = row.get("role", "").strip()
    if role not in IMPORTABLE_ROLES:
        allowed = ", ".join(sorted(IMPORTABLE_ROLES))
        errors.append(f"vai trò '{role}' không hợp lệ (chỉ nhận {allowed})")
    ward_code = row.get("ward_code", "").strip()
    if not ascii_digits(ward_code) or not ward_exists(int(ward_code)):
        errors.append(f"mã xã, phường '{ward_code}' không tồn tại")
    return errors


ROLE_LABELS = dict(Role.choices)
