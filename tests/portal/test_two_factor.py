"""Two-step staff sign-in (TOTP): required for leaders, provincial staff and administrators,
available to clerks; the same code is asked for an API token."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.services import totp_enrolment_start
from portal.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("divisions")
PASSWORD = "mat-khau-thu-nghiem"


def code_for(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def enrolled(user) -> TOTPDevice:
    device = totp_enrolment_start(user=user)
    device.confirmed = True
    device.save()
    return device


def password_step(client, user):
    return client.post(reverse("accounts:staff-login"), {"username": user.username, "password": PASSWORD})


def signed_in_as(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def actions_of(user) -> list[str]:
    return list(AuditEvent.objects.filter(stream=f"user:{user.pk}").values_list("action", flat=True))


def test_a_leader_sets_up_an_authenticator_at_first_sign_in_and_is_signed_in_only_after_a_code(client):
    leader = UserFactory(leader=True)
    response = password_step(client, leader)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:second-factor")
    assert signed_in_as(client) is None
    assert client.get(reverse("web:staff-home")).status_code == 302  # still signed out

    page = client.get(reverse("accounts:second-factor"))
    device = TOTPDevice.objects.get(user=leader)
    assert not device.confirmed
    html = page.content.decode()
    assert "<svg" in html and "Quét mã QR" in html
    assert "otpauth://" not in html  # the secret is in the QR and shown once as text, not as a link

    done = client.post(reverse("accounts:second-factor"), {"code": code_for(device)})
    assert done.status_code == 302
    assert signed_in_as(client) == leader.pk
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("web:staff-home")).status_code == 200
    assert actions_of(leader)[-2:] == ["auth.second_factor_enrolled", "auth.sign_in"]
    sign_in = AuditEvent.objects.filter(stream=f"user:{leader.pk}", action="auth.sign_in").last()
    assert sign_in.data == {"method": "password+totp"}


def test_a_wrong_code_is_refused_next_to_the_field_and_five_send_the_user_back_to_the_password(client):
    staff = UserFactory(province_staff=True)
    device = enrolled(staff)
    password_step(client, staff)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(reverse("accounts:second-factor"), {"code": wrong})
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert signed_in_as(client) is None
    malformed = client.post(reverse("accounts:second-factor"), {"code": "12ab"})
    assert "gồm đúng 6 chữ số" in malformed.content.decode()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            clock.shift(timedelta(seconds=20))  # past django-otp's wait, so each code is checked
            last = client.post(reverse("accounts:second-factor"), {"code": wrong})
    assert last.status_code == 302 and last["Location"] == reverse("accounts:staff-login")
    assert signed_in_as(client) is None
    # The pending password step is gone: even the right code no longer signs in.
    after = client.post(reverse("accounts:second-factor"), {"code": code_for(device)})
    assert after["Location"] == reverse("accounts:staff-login")
    assert signed_in_as(client) is None
    assert actions_of(staff).count("auth.second_factor_failed") == 5


def test_the_right_code_typed_just_after_a_typo_says_how_long_to_wait_then_signs_in(client):
    staff = UserFactory(province_staff=True)
    device = enrolled(staff)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_step(client, staff)
        wrong = "000000" if code_for(device) != "000000" else "111111"
        typo = client.post(reverse("accounts:second-factor"), {"code": wrong})
        assert "Vui lòng đợi 1 giây rồi nhập lại." in typo.content.decode()
        at_once = client.post(reverse("accounts:second-factor"), {"code": code_for(device)})
        page = at_once.content.decode()
        assert "Vừa có lần nhập sai mã nên mã này chưa được kiểm tra. Vui lòng đợi 1 giây" in page
        assert "không đúng hoặc đã dùng" not in page
        assert signed_in_as(client) is None
        clock.shift(timedelta(seconds=1))
        client.post(reverse("accounts:second-factor"), {"code": code_for(device)})
        assert signed_in_as(client) == staff.pk
    # Only the codes that were looked at are audited: the one typed while waiting is not a failure.
    assert actions_of(staff).count("auth.second_factor_failed") == 1


def test_the_api_says_how_long_to_wait_after_a_typo(client):
    staff = UserFactory(province_staff=True)
    device = enrolled(staff)
    url = reverse("api:auth-token")
    with time_machine.travel(timezone.now(), tick=False):
        wrong = "000000" if code_for(device) != "000000" else "111111"
        client.post(
            url,
            {"username": staff.username, "password": PASSWORD, "otp": wrong},
            content_type="application/json",
        )
        right = {"username": staff.username, "password": PASSWORD, "otp": code_for(device)}
        answer = client.post(url, right, content_type="application/json")
    assert answer.status_code == 401 and answer["Retry-After"] == "1"
    assert "Vui lòng đợi 1 giây" in answer.json()["errors"]["otp"][0]


def test_a_code_cannot_be_used_twice_and_the_password_step_expires(client):
    admin = UserFactory(admin=True)
    device = enrolled(admin)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_step(client, admin)
        code = code_for(device)
        client.post(reverse("accounts:second-factor"), {"code": code})
        assert signed_in_as(client) == admin.pk
        client.logout()
        password_step(client, admin)
        replay = client.post(reverse("accounts:second-factor"), {"code": code})
        assert replay.status_code == 200 and signed_in_as(client) is None
        clock.shift(timedelta(minutes=6))
        expired = client.post(reverse("accounts:second-factor"), {"code": code_for(device)})
        assert expired["Location"] == reverse("accounts:staff-login")
        assert signed_in_as(client) is None


def test_a_clerk_signs_in_with_a_password_until_they_turn_the_second_step_on(client):
    clerk = UserFactory(clerk=True)
    password_step(client, clerk)
    assert signed_in_as(client) == clerk.pk
    page = client.get(reverse("accounts:second-factor-settings"))
    assert "Chưa bật" in page.content.decode()
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    turned_on = client.post(reverse("accounts:second-factor-settings"), {"code": code_for(device)})
    assert turned_on.status_code == 302
    assert "Đã bật" in client.get(reverse("accounts:second-factor-settings")).content.decode()
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        response = password_step(client, clerk)
        assert response["Location"] == reverse("accounts:second-factor")
        assert signed_in_as(client) is None
        client.post(reverse("accounts:second-factor"), {"code": code_for(device)})
        assert signed_in_as(client) == clerk.pk


def test_citizens_have_no_second_factor_page(client):
    citizen = UserFactory(citizen=True)
    client.force_login(citizen)
    assert client.get(reverse("accounts:second-factor-settings")).status_code == 404


def test_the_admin_sign_in_form_hands_over_to_the_staff_sign_in(client):
    response = client.get("/quan-tri/login/?next=/quan-tri/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff-login"))


def test_an_api_token_needs_the_same_code(client):
    leader = UserFactory(leader=True)
    url = reverse("api:auth-token")
    body = {"username": leader.username, "password": PASSWORD}
    not_set_up = client.post(url, body, content_type="application/json")
    assert not_set_up.status_code == 401
    assert "thiết lập xác thực hai bước" in not_set_up.json()["detail"]
    device = enrolled(leader)
    missing = client.post(url, body, content_type="application/json")
    assert missing.status_code == 401 and "otp" in missing.json()["errors"]
    wrong = client.post(url, {**body, "otp": "12345"}, content_type="application/json")
    assert wrong.status_code == 400 and "otp" in wrong.json()["errors"]
    good = client.post(url, {**body, "otp": code_for(device)}, content_type="application/json")
    assert good.status_code == 200 and good.json()["token"]
    clerk = UserFactory(clerk=True)
    plain = client.post(
        url, {"username": clerk.username, "password": PASSWORD}, content_type="application/json"
    )
    assert plain.status_code == 200


def test_an_administrator_resets_a_lost_authenticator(client):
    leader = UserFactory(leader=True)
    enrolled(leader)
    admin = UserFactory(admin=True)
    client.force_login(admin)
    response = client.post(
        "/quan-tri/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [leader.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert "auth.second_factor_reset" in actions_of(leader)
