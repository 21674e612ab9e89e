"""Law 03/2026/QH16, where switched on: a hospital's birth certificate becomes a prefilled draft in
the mother's "My bundles", she is told, and nothing is filed until she submits it herself."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from portal.audit.models import AuditEvent
from registrations import services
from registrations.declaration import declaration_of
from registrations.models import Bundle
from tests.factories import WARD_A, UserFactory
from tests.registrations.test_hospital_intake import BIRTHS, Facility, birth_certificate

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def switched_on(settings):
    settings.PROACTIVE_REGISTRATION_FROM = (date.today() - timedelta(days=1)).isoformat()
    settings.PROACTIVE_REGISTRATION_PROVINCES = ["40"]  # Nghệ An, where the hospital is
    return settings


@pytest.fixture
def mother(db):
    return UserFactory(citizen=True, full_name="Nguyễn Thị Lan", email="me@example.invalid")


def certificate_for(mother, number="GCS-2026-777001", **changes) -> dict:
    body = birth_certificate(number=number, **changes)
    body["mother"] = {
        "full_name": mother.full_name,
        "date_of_birth": mother.date_of_birth.isoformat(),
        "id_number": mother.id_number,
    }
    return body


def sent(hospital, body, capture):
    with capture(execute=True):
        response = hospital.send(BIRTHS, body)
    assert response.status_code in (200, 201), response.content
    return response


def test_a_certificate_prepares_a_draft_for_the_mother_and_files_nothing(
    switched_on, mother, client, django_capture_on_commit_callbacks
):
    hospital = Facility("BV-SAN-NA", WARD_A)
    sent(hospital, certificate_for(mother), django_capture_on_commit_callbacks)

    draft = Bundle.objects.get(owner=mother)
    assert (draft.state, draft.code, draft.origin) == ("draft", None, "proactive")
    declared = declaration_of(draft)
    assert declared["birth"]["medical_birth_certificate_number"] == "GCS-2026-777001"
    assert declared["birth"]["place_of_birth_facility"] == "Bệnh viện BV-SAN-NA"
    assert declared["child"]["sex"] == "male"
    assert declared["mother"]["id_number"] == mother.id_number
    assert declared["requester"]["relationship"] == "mother"
    assert AuditEvent.objects.filter(
        stream=f"bundle:{draft.public_id}", action="bundle.proactive_draft"
    ).exists()
    [message] = mail.outbox
    assert message.to == ["me@example.invalid"] and "Chưa có gì được nộp" in message.body

    # Nothing goes further without her: the draft still needs her choices and her submission.
    assert services.bundle_submission_errors(bundle=draft)
    client.force_login(mother)
    listing = client.get(reverse("web:my-bundles")).content.decode()
    assert "Khởi tạo từ giấy chứng sinh điện tử" in listing

    # The same certificate again, or its correction, prepares nothing more.
    sent(hospital, certificate_for(mother), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        hospital.send(f"{BIRTHS}GCS-2026-777001/correction/", certificate_for(mother, weight_grams=3300))
    assert Bundle.objects.filter(owner=mother).count() == 1


@pytest.mark.parametrize(
    "switch",
    [
        {"PROACTIVE_REGISTRATION_PROVINCES": []},
        {"PROACTIVE_REGISTRATION_PROVINCES": ["1"]},
        {"FROM": "future"},
    ],
    ids=["not switched on anywhere", "switched on in another province", "before the law's date"],
)
def test_without_the_switch_nothing_is_prepared(
    switched_on, mother, switch, django_capture_on_commit_callbacks
):
    if "FROM" in switch:
        switched_on.PROACTIVE_REGISTRATION_FROM = (date.today() + timedelta(days=1)).isoformat()
    else:
        switched_on.PROACTIVE_REGISTRATION_PROVINCES = switch["PROACTIVE_REGISTRATION_PROVINCES"]
    sent(Facility("BV-SAN-NA", WARD_A), certificate_for(mother), django_capture_on_commit_callbacks)
    assert not Bundle.objects.filter(owner=mother).exists()
    assert mail.outbox == []


def test_a_mother_without_an_account_gets_nothing_and_the_certificate_is_kept(
    switched_on, django_capture_on_commit_callbacks
):
    sent(Facility("BV-SAN-NA", WARD_A), birth_certificate(), django_capture_on_commit_callbacks)
    assert not Bundle.objects.exists()


def test_a_death_notice_tells_the_relatives_the_portal_knows(switched_on, django_capture_on_commit_callbacks):
    """The deceased was the father in a birth bundle his daughter filed: she is told, with the
    notice number; nothing is filed for her."""
    from tests.registrations.helpers import birth_declaration
    from tests.registrations.states import Cast, build
    from tests.registrations.test_hospital_intake import DEATHS, death_notice

    cast = Cast()
    cast.citizen.email = "con@example.invalid"
    cast.citizen.save()
    declaration = birth_declaration()
    build("submitted", cast, declaration)
    father = declaration["father"]
    notice = death_notice()
    notice["deceased"] = {
        "full_name": father["full_name"],
        "date_of_birth": father["date_of_birth"],
        "sex": "male",
        "id_number": father["id_number"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert Facility("BV-SAN-NA", WARD_A).send(DEATHS, notice).status_code == 201
    [message] = mail.outbox
    assert message.to == ["con@example.invalid"]
    assert "GBT-2026-000045" in message.body and father["full_name"] in message.body
    assert AuditEvent.objects.filter(
        stream=f"user:{cast.citizen.pk}", action="death_notice.relative_told"
    ).exists()
    assert Bundle.objects.filter(group="death").count() == 0
