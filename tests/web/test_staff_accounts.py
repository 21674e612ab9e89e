import pytest
from django.core import mail
from django.urls import reverse

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from signing.models import SignerCertificate
from tests.factories import HA_NOI, WARD_A, WARD_HANOI, UserFactory

pytestmark = pytest.mark.usefixtures("divisions")


def test_provincial_staff_create_a_clerk_for_a_ward_of_their_province(
    client, django_capture_on_commit_callbacks
):
    staff = UserFactory(province_staff=True)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("web:staff-accounts"),
            {
                "username": "ct_moi",
                "full_name": "Nguyễn Văn Mới",
                "email": "moi@example.invalid",
                "role": "ward_clerk",
                "ward": WARD_A,
                "title": "",
            },
            follow=True,
        )
    assert "Đã tạo tài khoản ct_moi" in response.content.decode()
    created = User.objects.get(username="ct_moi")
    assert created.ward_id == WARD_A and not created.has_usable_password()
    assert mail.outbox[0].to == ["moi@example.invalid"]
    assert AuditEvent.objects.filter(
        stream=f"user:{created.pk}", action="account.created", actor_id=staff.pk
    ).exists()


def test_a_ward_of_another_province_is_refused(client):
    staff = UserFactory(province_staff=True)
    client.force_login(staff)
    response = client.post(
        reverse("web:staff-accounts"),
        {
            "username": "ct_ha_noi",
            "full_name": "Lê Văn Hà",
            "email": "ha@example.invalid",
            "role": "ward_clerk",
            "ward": WARD_HANOI,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="ct_ha_noi").exists()


def test_deactivating_a_leader_stops_the_signing_certificate(client, settings, tmp_path):
    from signing import services as signing_services

    leader = UserFactory(leader=True)
    signing_services.certificate_issue_dev(user=leader)
    staff = UserFactory(province_staff=True)
    client.force_login(staff)
    client.post(reverse("web:staff-deactivate", args=[leader.pk]), {"confirm": "1"})
    leader.refresh_from_db()
    assert not leader.is_active
    assert not SignerCertificate.objects.filter(user=leader, active=True).exists()
    changed = AuditEvent.objects.get(stream=f"user:{leader.pk}", action="account.changed")
    assert changed.data == {"is_active": [True, False]} and changed.actor_id == staff.pk


def test_clerks_and_other_provinces_cannot_manage_accounts(client):
    leader = UserFactory(leader=True)
    client.force_login(UserFactory(clerk=True))
    assert client.get(reverse("web:staff-accounts")).status_code == 403
    client.force_login(UserFactory(province_staff=True, province_id=HA_NOI))
    assert client.post(reverse("web:staff-deactivate", args=[leader.pk]), {"confirm": "1"}).status_code == 404
    leader.refresh_from_db()
    assert leader.is_active and leader.ward_id == WARD_A
