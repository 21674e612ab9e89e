"""Medical facilities send, correct and list birth certificates and death notices; a wrongly signed,
malformed or other-facility request is refused with a clear error and stores nothing."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from portal.common import signatures
from registrations.facilities.intake import facility_end_rotation, facility_register, facility_rotate_secret
from registrations.models import MedicalCertificate
from tests.factories import WARD_A, WARD_B, valid_personal_id

pytestmark = pytest.mark.usefixtures("divisions")
BIRTHS = "/api/v1/hospital/birth-certificates/"
DEATHS = "/api/v1/hospital/death-notices/"
MOTHER_BORN = date(1994, 5, 17)
MOTHER_ID = valid_personal_id(date_of_birth=MOTHER_BORN, sex="female")


class Facility:
    """A facility's system: signs every request with its secret."""

    def __init__(self, code: str, ward: int):
        self.record, self.secret = facility_register(code=code, name=f"Bệnh viện {code}", ward_id=ward)
        self.code = code
        self.client = Client()

    def send(self, path: str, body, *, secret: str | None = None, code: str | None = None, at=None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        timestamp = str(int(at if at is not None else time.time()))
        headers = {
            "HTTP_X_FACILITY": code or self.code,
            "HTTP_X_TIMESTAMP": timestamp,
            "HTTP_X_SIGNATURE": signatures.sign(secret=secret or self.secret, timestamp=timestamp, body=raw),
        }
        return self.client.generic("POST", path, raw, content_type="application/json", **headers)

    def list(self, path: str):
        timestamp = str(int(time.time()))
        return self.client.get(
            path,
            HTTP_X_FACILITY=self.code,
            HTTP_X_TIMESTAMP=timestamp,
            HTTP_X_SIGNATURE=signatures.sign(secret=self.secret, timestamp=timestamp, body=b""),
        )


@pytest.fixture
def hospital():
    return Facility("BV-SAN-NA", WARD_A)


@pytest.fixture
def other_hospital():
    return Facility("BV-DK-NA", WARD_B)


def birth_certificate(number: str = "GCS-2026-000123", facility: str = "BV-SAN-NA", **changes) -> dict:
    body = {
        "certificate_number": number,
        "facility": facility,
        "mother": {
            "full_name": "Nguyễn Thị Lan",
            "date_of_birth": MOTHER_BORN.isoformat(),
            "id_number": MOTHER_ID,
        },
        "child": {
            "sex": "male",
            "date_of_birth": (date.today() - timedelta(days=2)).isoformat(),
            "time_of_birth": "08:30",
        },
        "weight_grams": 3100,
        "children_born": 1,
    }
    body.update(changes)
    return body


def death_notice(number: str = "GBT-2026-000045", facility: str = "BV-SAN-NA", **changes) -> dict:
    born = date(1941, 2, 3)
    body = {
        "notice_number": number,
        "facility": facility,
        "deceased": {
            "full_name": "Trần Văn Hùng",
            "date_of_birth": born.isoformat(),
            "sex": "male",
            "id_number": valid_personal_id(date_of_birth=born, sex="male"),
        },
        "date_of_death": (date.today() - timedelta(days=1)).isoformat(),
        "time_of_death": "21:40",
        "place_of_death": "Khoa Hồi sức, Bệnh viện Sản Nhi Nghệ An",
        "cause_of_death": "Suy tim",
    }
    body.update(changes)
    return body


def stored() -> int:
    return MedicalCertificate.objects.count()


def test_a_hospital_sends_repeats_corrects_and_lists_a_birth_certificate(hospital):
    first = hospital.send(BIRTHS, birth_certificate())
    assert first.status_code == 201, first.content
    assert first.json() | {"received_at": None} == {
        "number": "GCS-2026-000123",
        "kind": "birth",
        "version": 1,
        "current": True,
        "facility": "BV-SAN-NA",
        "received_at": None,
    }
    assert MOTHER_ID not in first.content.decode()  # nothing personal is echoed
    # The ID number and the health details are encrypted at rest; lookups use the keyed hash.
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject_id_number, details FROM registrations_medicalcertificate")
        raw_id, raw_details = cursor.fetchone()
    assert MOTHER_ID not in raw_id and "3100" not in raw_details

    again = hospital.send(BIRTHS, birth_certificate())
    assert again.status_code == 200 and again.json()["version"] == 1
    assert stored() == 1

    conflicting = hospital.send(BIRTHS, birth_certificate(weight_grams=3200))
    assert conflicting.status_code == 409
    assert "đính chính" in conflicting.json()["detail"]
    assert stored() == 1

    corrected = hospital.send(f"{BIRTHS}GCS-2026-000123/correction/", birth_certificate(weight_grams=3200))
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    old, new = MedicalCertificate.objects.order_by("version")
    assert (old.current, new.current, new.supersedes_id) == (False, True, old.pk)
    assert json.loads(old.details)["weight_grams"] == 3100  # kept as it was sent
    assert json.loads(new.details)["weight_grams"] == 3200

    hospital.send(BIRTHS, birth_certificate(number="GCS-2026-000124"))
    listing = hospital.list(BIRTHS)
    assert listing.status_code == 200
    assert sorted((r["number"], r["version"]) for r in listing.json()["results"]) == [
        ("GCS-2026-000123", 2),
        ("GCS-2026-000124", 1),
    ]


def test_a_death_notice_is_sent_corrected_and_listed(hospital):
    assert hospital.send(DEATHS, death_notice()).status_code == 201
    fixed = hospital.send(f"{DEATHS}GBT-2026-000045/correction/", death_notice(cause_of_death="Đột quỵ"))
    assert fixed.status_code == 201 and fixed.json()["version"] == 2
    assert [r["version"] for r in hospital.list(DEATHS).json()["results"]] == [2]
    assert hospital.list(BIRTHS).json()["results"] == []


@pytest.mark.parametrize(
    "tamper",
    ["wrong secret", "stale timestamp", "unknown facility", "unsigned"],
)
def test_a_wrongly_signed_request_is_refused_and_stores_nothing(hospital, tamper):
    if tamper == "wrong secret":
        response = hospital.send(BIRTHS, birth_certificate(), secret="not-the-secret")
    elif tamper == "stale timestamp":
        response = hospital.send(BIRTHS, birth_certificate(), at=time.time() - 3600)
    elif tamper == "unknown facility":
        response = hospital.send(BIRTHS, birth_certificate(), code="BV-KHONG-CO")
    else:
        response = Client().post(BIRTHS, birth_certificate(), content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    assert stored() == 0


def test_malformed_certificates_get_field_level_errors_and_store_nothing(hospital):
    not_json = hospital.send(BIRTHS, b"{not json")
    assert not_json.status_code == 400 and "JSON" in not_json.json()["detail"]

    wrong_id = birth_certificate()
    wrong_id["mother"]["date_of_birth"] = "1995-05-17"  # the ID number says 1994
    missing = birth_certificate()
    del missing["weight_grams"]
    cases = {
        "mother.id_number": wrong_id,
        "weight_grams": missing,
        "child.date_of_birth": birth_certificate(
            child={"sex": "male", "date_of_birth": (date.today() + timedelta(days=1)).isoformat()}
        ),
        "certificate_number": birth_certificate(number="số có dấu cách"),
        "unexpected": birth_certificate(unexpected="x"),
    }
    for field, body in cases.items():
        response = hospital.send(BIRTHS, body)
        assert response.status_code == 400, (field, response.content)
        assert field in response.json()["errors"], (field, response.json())
    too_early = death_notice(date_of_death="1930-01-01")
    assert "date_of_death" in hospital.send(DEATHS, too_early).json()["errors"]
    assert stored() == 0


def test_a_facility_cannot_send_list_or_correct_for_another(hospital, other_hospital):
    assert hospital.send(BIRTHS, birth_certificate()).status_code == 201

    as_other = other_hospital.send(BIRTHS, birth_certificate(facility="BV-SAN-NA"))
    assert as_other.status_code == 403 and "facility" in as_other.json()["errors"]
    taken = other_hospital.send(BIRTHS, birth_certificate(facility="BV-DK-NA"))
    assert taken.status_code == 403 and "cơ sở khác" in taken.json()["detail"]
    correction = other_hospital.send(
        f"{BIRTHS}GCS-2026-000123/correction/", birth_certificate(facility="BV-DK-NA", weight_grams=1)
    )
    assert correction.status_code in (400, 403)
    correction = other_hospital.send(
        f"{BIRTHS}GCS-2026-000123/correction/", birth_certificate(facility="BV-DK-NA", weight_grams=2900)
    )
    assert correction.status_code == 403
    assert other_hospital.list(BIRTHS).json()["results"] == []
    assert stored() == 1 and MedicalCertificate.objects.get().version == 1


def test_during_a_key_rotation_both_secrets_work_then_only_the_new_one(hospital):
    old = hospital.secret
    new = facility_rotate_secret(facility=hospital.record)
    assert hospital.send(BIRTHS, birth_certificate(number="A1"), secret=old).status_code == 201
    assert hospital.send(BIRTHS, birth_certificate(number="A2"), secret=new).status_code == 201
    facility_end_rotation(facility=hospital.record)
    assert hospital.send(BIRTHS, birth_certificate(number="A3"), secret=old).status_code == 401
    assert hospital.send(BIRTHS, birth_certificate(number="A3"), secret=new).status_code == 201


def test_the_facility_command_registers_once_and_shows_the_secret_once(capsys):
    call_command("facility", "BV-TP-VINH", name="Bệnh viện Thành phố Vinh", ward=WARD_A)
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(secret) >= 40
    from registrations.models import MedicalFacility

    assert MedicalFacility.objects.get(code="BV-TP-VINH").secret == secret
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="đã được đăng ký"):
        call_command("facility", "BV-TP-VINH", name="Trùng", ward=WARD_A)


# --- one certificate, one registration ----------------------------------------------------------


def _in_review_with(cast, *, group: str, number: str):
    from tests.registrations.helpers import birth_declaration, death_declaration
    from tests.registrations.states import build

    declaration = birth_declaration() if group == "birth" else death_declaration()
    if group == "birth":
        declaration["birth"]["medical_birth_certificate_number"] = number
    else:
        declaration["death"]["death_notice_number"] = number
    return build("in_review", cast, declaration)


@pytest.mark.parametrize("group", ["birth", "death"])
def test_a_second_registration_on_a_used_certificate_is_refused_naming_the_first(client, group):
    from registrations import services
    from registrations.exceptions import DuplicateRegistration
    from tests.registrations.states import Cast

    cast = Cast()
    first = _in_review_with(cast, group=group, number="GIAY-0001")
    second = _in_review_with(cast, group=group, number="GIAY-0001")
    services.bundle_register(bundle=first, actor=cast.clerk)
    first.refresh_from_db()

    with pytest.raises(DuplicateRegistration) as refused:
        services.bundle_register(bundle=second, actor=cast.clerk)
    assert refused.value.existing_code == first.code
    second.refresh_from_db()
    assert second.state == "in_review" and second.registration_number is None  # nothing half-done

    client.force_login(cast.clerk)
    api = client.post(f"/api/v1/bundles/{second.code}/register/")
    assert api.status_code == 409
    assert first.code in api.json()["detail"]
    page = client.post(f"/can-bo/ho-so/{second.public_id}/register/", {"confirm": "on"}, follow=True)
    assert first.code in page.content.decode()
    second.refresh_from_db()
    assert second.state == "in_review"
    # A different number registers normally.
    third = _in_review_with(cast, group=group, number="GIAY-0002")
    assert services.bundle_register(bundle=third, actor=cast.clerk).state == "registered"


def test_a_correction_replayed_byte_for_byte_is_refused_and_changes_nothing(hospital):
    """A signed correction is taken once: resent at once (its answer was lost) it is answered with the
    version it made; replayed inside the signature window after a later correction, it would
    otherwise become the current version again, so it is refused."""
    hospital.send(BIRTHS, birth_certificate())
    at = int(time.time())
    url = f"{BIRTHS}GCS-2026-000123/correction/"
    first = hospital.send(url, birth_certificate(weight_grams=3200), at=at)
    assert first.status_code == 201 and first.json()["version"] == 2
    retried = hospital.send(url, birth_certificate(weight_grams=3200), at=at)
    assert retried.status_code == 200 and retried.json()["version"] == 2
    assert MedicalCertificate.objects.count() == 2
    second = hospital.send(url, birth_certificate(weight_grams=3300), at=at + 1)
    assert second.status_code == 201 and second.json()["version"] == 3
    replayed = hospital.send(url, birth_certificate(weight_grams=3200), at=at)
    assert replayed.status_code == 409 and replayed["Content-Type"] == "application/problem+json"
    current = MedicalCertificate.objects.get(current=True)
    assert current.version == 3 and json.loads(current.details)["weight_grams"] == 3300
    assert MedicalCertificate.objects.count() == 3
