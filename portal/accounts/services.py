"""The only way accounts are created or changed outside the admin."""

from __future__ import annotations

import csv
import io
import math
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit.services import audit_record
from portal.audit.streams import user_stream
from portal.common.crypto import lookup_hmac
from portal.common.identifiers import personal_id_errors
from portal.common.text import ascii_digits, normalize_name
from portal.divisions.models import Ward

from .constants import Role
from .models import CounterCheck, User
from .rules import staff_row_errors
from .signals import account_event

STAFF_CSV_COLUMNS = ("username", "full_name", "email", "role", "ward_code", "title", "phone")


@dataclass
class StaffImportReport:
    created: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "Dòng 3: …", one per bad line


def set_password_url(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:set-password", kwargs={"uidb64": uid, "token": token})


def set_password_link_send(*, user: User) -> None:
    """A one-time link: Django's token is bound to the password hash and last sign-in, so it stops
    working as soon as the password is set."""
    body = (
        f"Kính gửi {user.full_name},\n\n"
        f"Tài khoản {user.username} của Anh/Chị trên Cổng dịch vụ công liên thông đã được tạo.\n"
        f"Vui lòng đặt mật khẩu tại đường dẫn sau (chỉ dùng được một lần):\n{set_password_url(user=user)}\n\n"
        "Nếu Anh/Chị không chờ thư này, hãy bỏ qua nó."
    )
    send_mail("Đặt mật khẩu tài khoản Cổng dịch vụ công liên thông", body, None, [user.email])


def staff_import(*, csv_text: str, dry_run: bool = False) -> StaffImportReport:
    """Create ward clerks and leaders from CSV. Every line is checked first; if any line is bad,
    nothing is imported and the report names each bad line."""
    report = StaffImportReport()
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    missing = [
        c
        for c in ("username", "full_name", "email", "role", "ward_code")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        report.errors.append(f"Dòng 1: thiếu cột {', '.join(missing)}")
        return report
    rows = list(reader)
    wards = set(Ward.objects.values_list("code", flat=True))
    first_line_of: dict[str, int] = {}
    existing = set(
        User.objects.filter(username__in=[(r.get("username") or "").strip() for r in rows]).values_list(
            "username", flat=True
        )
    )
    for line, row in enumerate(rows, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        errors = staff_row_errors(row, ward_exists=wards.__contains__, username_taken=existing.__contains__)
        username = row.get("username", "")
        if username in first_line_of:
            errors.append(f"tên đăng nhập '{username}' trùng với dòng {first_line_of[username]}")
        elif username:
            first_line_of[username] = line
        if errors:
            report.errors.append(f"Dòng {line}: " + "; ".join(errors))
    if report.errors or dry_run:
        if not report.errors:
            report.created = [r["username"].strip() for r in rows]
        return report

    with transaction.atomic():
        for row in rows:
            user = User(
                username=row["username"].strip(),
                full_name=normalize_name(row["full_name"]),
                email=row["email"].strip(),
                role=row["role"].strip(),
                ward_id=int(row["ward_code"]),
                title=(row.get("title") or "").strip(),
                phone=(row.get("phone") or "").strip(),
            )
            user.set_unusable_password()
            user.save()
            report.created.append(user.username)
            transaction.on_commit(lambda user=user: set_password_link_send(user=user))
    return report


def citizen_from_eid(*, id_number: str, full_name: str, date_of_birth: date | None, sex: str) -> User:
    """The citizen an e-ID provider vouched for, created on first sign-in. Identity fields come from
    the provider and overwrite what we hold: the citizen cannot edit them."""
    errors = personal_id_errors(id_number, date_of_birth=date_of_birth, sex=sex)
    if errors:
        raise ValueError("; ".join(errors))
    with transaction.atomic():
        user = User.objects.select_for_update().filter(id_number_hmac=lookup_hmac(id_number)).first()
        if user is None:
            user = User(username=f"cd-{lookup_hmac(id_number, purpose='username')[:20]}", role=Role.CITIZEN)
            user.set_unusable_password()
        if user.role != Role.CITIZEN:
            raise ValueError("Số định danh này thuộc một tài khoản không phải công dân.")
        user.id_number = id_number
        user.full_name = normalize_name(full_name)
        user.date_of_birth = date_of_birth
        user.sex = sex
        user.eid_verified_at = timezone.now()
        user.save()
    return user


class AccountRefused(Exception):
    """The actor may not manage this account, or the data is wrong; carries field messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


def _manages(actor, ward_id: int | None) -> bool:
    """Provincial staff manage the ward staff of their own province; administrators everyone."""
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    if actor.role != Role.PROVINCE_STAFF or ward_id is None:
        return False
    return Ward.objects.filter(code=ward_id, province_id=actor.province_id).exists()


@transaction.atomic
def staff_create(
    *, actor, username: str, full_name: str, email: str, role: str, ward_code: int, title: str = ""
) -> User:
    """A ward clerk or leader, created without a password: a one-time link is e-mailed."""
    row = {
        "username": username,
        "full_name": full_name,
        "email": email,
        "role": role,
        "ward_code": str(ward_code),
    }
    problems = staff_row_errors(
        row,
        ward_exists=lambda code: Ward.objects.filter(code=code).exists(),
        username_taken=lambda u: User.objects.filter(username=u).exists(),
    )
    if problems:
        raise AccountRefused({"__all__": problems})
    if not _manages(actor, ward_code):
        raise AccountRefused({"ward_code": ["Chỉ tạo được tài khoản cho xã, phường thuộc tỉnh của anh chị."]})
    user = User(
        username=username.strip(),
        full_name=normalize_name(full_name),
        email=email.strip(),
        role=role,
        ward_id=ward_code,
        title=title.strip(),
    )
    user.set_unusable_password()
    user.save()
    transaction.on_commit(lambda: set_password_link_send(user=user))
    return user


@transaction.atomic
def staff_deactivate(*, actor, user: User) -> User:
    """The account can no longer sign in; a leader's signing certificates stop with it."""
    if user.pk == actor.pk or not _manages(actor, user.ward_id):
        raise AccountRefused({"__all__": ["Không được vô hiệu hoá tài khoản này."]})
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def privacy_notice_accept(*, user: User, purpose: str) -> None:
    """Record that ``user`` accepted the privacy notice in force before filing for ``purpose``; the
    audit trail keeps the version shown and when, and the personal-data page lists it back."""
    audit_record(
        stream=user_stream(user.pk),
        action="privacy.accept",
        actor=user,
        object_type="privacy_notice",
        object_id=settings.PRIVACY_NOTICE_VERSION,
        data={"purpose": purpose, "version": settings.PRIVACY_NOTICE_VERSION},
    )


# --- second factor (TOTP) -------------------------------------------------------------------------

SECOND_FACTOR_DEVICE_NAME = "Ứng dụng xác thực"


def totp_device_of(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator to scan; the same one is shown again until a code confirms it,
    so reloading the page does not invalidate what the user already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=SECOND_FACTOR_DEVICE_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class SecondFactorCheck:
    """The outcome of a typed code. ``checked`` is False when the code was not even looked at: a
    mistyped code a moment ago makes django-otp wait (1, 2, 4 … seconds) before it checks another.
    ``wait_seconds``: how long before the next code will be checked."""

    passed: bool
    checked: bool = True
    wait_seconds: int = 0

    def __bool__(self) -> bool:
        return self.passed

    @property
    def message(self) -> str:
        if self.passed:
            return ""
        if not self.checked:
            return (
                "Vừa có lần nhập sai mã nên mã này chưa được kiểm tra. "
                f"Vui lòng đợi {self.wait_seconds} giây rồi nhập mã đang hiển thị trong ứng dụng."
            )
        wait = f" Vui lòng đợi {self.wait_seconds} giây rồi nhập lại." if self.wait_seconds else ""
        return f"Mã xác thực không đúng hoặc đã dùng. Hãy nhập mã đang hiển thị trong ứng dụng.{wait}"


def _throttle_wait(device: TOTPDevice) -> int:
    allowed, info = device.verify_is_allowed()
    if allowed or not info or "locked_until" not in info:
        return 0
    return max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))


def second_factor_verify(*, user: User, device: TOTPDevice, code: str) -> SecondFactorCheck:
    """Check a six-digit code (spaces allowed). A first good code confirms a new authenticator.
    django-otp refuses codes already used and slows down repeated failures; a code typed while it
    waits is not checked (and not counted), and the answer says how long to wait. Each checked
    outcome is audited."""
    code = "".join(code.split())
    wait = _throttle_wait(device)
    if wait:
        return SecondFactorCheck(passed=False, checked=False, wait_seconds=wait)
    verified = ascii_digits(code) and len(code) == device.digits and device.verify_token(code)
    enrolled = verified and not device.confirmed
    if enrolled:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    if enrolled:
        account_event(user=user, action="auth.second_factor_enrolled")
    else:
        account_event(user=user, action=f"auth.second_factor_{'passed' if verified else 'failed'}")
    return SecondFactorCheck(passed=bool(verified), wait_seconds=0 if verified else _throttle_wait(device))


def second_factor_reset(*, user: User, actor: User) -> None:
    """An administrator removes a lost authenticator; the user sets up a new one at next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        account_event(user=user, action="auth.second_factor_reset", actor=actor)


# --- identity at the one-stop counter -------------------------------------------------------------

COUNTER_CODE_MINUTES = 10
COUNTER_CODE_TRIES = 5


class CounterRefused(Exception):
    """Field-level reason the counter check cannot go on, in Vietnamese."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


def counter_check_start(*, clerk: User, id_number: str, group: str) -> CounterCheck:
    """Send a confirmation code to the e-ID account holding ``id_number`` (a walk-in citizen at the
    clerk's counter). The code reaches the citizen, never the clerk's screen."""
    citizen = User.objects.filter(
        role=Role.CITIZEN, is_active=True, id_number_hmac=lookup_hmac(id_number.strip())
    ).first()
    if citizen is None:
        raise CounterRefused(
            "id_number",
            "Không có tài khoản định danh điện tử nào với số này. Công dân cần kích hoạt VNeID mức 2 trước.",
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    check = CounterCheck.objects.create(
        clerk=clerk,
        citizen=citizen,
        group=group,
        code=code,
        expires_at=timezone.now() + timedelta(minutes=COUNTER_CODE_MINUTES),
    )
    account_event(user=citizen, action="counter.code_sent", actor=clerk, data={"ward": clerk.ward_id})
    if citizen.email:
        body = (
            f"Mã xác nhận nộp hồ sơ tại bộ phận một cửa ({clerk.jurisdiction_label}): {code}\n"
            f"Hiệu lực {COUNTER_CODE_MINUTES} phút. "
            "Chỉ đọc mã này cho cán bộ khi Anh/Chị đang có mặt tại quầy."
        )
        transaction.on_commit(
            lambda: send_mail("Mã xác nhận tại bộ phận một cửa", body, None, [citizen.email]), robust=True
        )
    return check


def counter_check_confirm(*, check: CounterCheck, clerk: User, code: str) -> None:
    """The code the citizen read out; right, in time and first used: the check holds. A wrong code
    counts against the few tries even though it is refused."""
    refusal = None
    with transaction.atomic():
        check = CounterCheck.objects.select_for_update().get(pk=check.pk, clerk=clerk)
        if check.confirmed_at or check.expires_at < timezone.now() or check.tries >= COUNTER_CODE_TRIES:
            raise CounterRefused("code", "Mã đã hết hiệu lực hoặc đã dùng. Hãy gửi mã mới.")
        check.tries += 1
        if "".join(code.split()) == check.code:
            check.confirmed_at = timezone.now()
            account_event(user=check.citizen, action="counter.identity_confirmed", actor=clerk)
        else:
            refusal = f"Mã xác nhận không đúng (còn {COUNTER_CODE_TRIES - check.tries} lần thử)."
        check.save(update_fields=["tries", "confirmed_at"])
    if refusal:
        raise CounterRefused("code", refusal)


def counter_codes_waiting(*, citizen: User) -> list[CounterCheck]:
    """Codes a citizen has been sent and not yet used: shown in their account, as the e-ID app would."""
    return list(
        CounterCheck.objects.filter(citizen=citizen, confirmed_at=None, expires_at__gt=timezone.now())
        .select_related("clerk__ward")
        .order_by("-created_at")
    )
