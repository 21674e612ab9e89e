"""The same draft filed through the API and through the pages: the same refusals when it is started,
the same parent filled from the e-ID account, the same fill from the hospital's certificate, and the
same stored declaration. The rules are the services', so neither channel can drift from the other."""

import copy
from datetime import date

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.audit.models import AuditEvent
from portal.web.filing import form
from registrations.constants import CertificateKind
from registrations.declaration import declaration_of
from registrations.facilities.intake import certificate_receive, facility_register
from registrations.facilities.serializers import BirthCertificateSerializer
from registrations.models import Bundle
from registrations.services.drafts import PRIVACY_REFUSED
from tests.factories import WARD_A
from tests.registrations.helpers import birth_declaration
from tests.registrations.states import Cast
from tests.web.filing_helpers import page_post

pytestmark = pytest.mark.usefixtures("divisions")


class Channels:
    """One citizen, signed in on the pages and holding an API token."""

    def __init__(self, citizen, client):
        self.citizen, self.page = citizen, client
        self.page.force_login(citizen)
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=citizen).key}")

    def start_page(self, procedures, *, privacy=True):
        data = {"procedures": procedures, **({"privacy": "on"} if privacy else {})}
        return self.page.post(reverse("web:filing-start", args=["khai-sinh"]), data)

    def start_api(self, procedures, *, privacy=True):
        body = {"group": "birth", "procedures": procedures, "privacy_notice_accepted": privacy}
        return self.api.post("/api/v1/bundles/", body, format="json")

    def post_page(self, bundle, slug, data):
        return self.page.post(reverse("web:filing-page", args=[bundle.public_id, slug]), data)

    def patch_api(self, bundle, data):
        return self.api.patch(f"/api/v1/bundles/{bundle.public_id}/", data, format="json")


@pytest.fixture
def channels(db, client):
    citizen = Cast().citizen
    citizen.full_name = "Nguyễn Thị Lan"  # as e-ID names her
    citizen.save()
    return Channels(citizen, client)


def page_errors(response) -> dict:
    return {key: list(found) for key, found in response.context["errors"].items()}


@pytest.mark.parametrize(
    ("procedures", "privacy", "field", "expected"),
    [
        (["health_insurance"], False, "privacy_notice_accepted", [PRIVACY_REFUSED]),
        ([], True, "procedures", None),
        (["passport"], True, "procedures", None),
        (["health_insurance", "health_insurance"], True, "procedures", ["Mỗi thủ tục chỉ chọn một lần."]),
    ],
    ids=["privacy not accepted", "no procedure", "unknown procedure", "a procedure twice"],
)
def test_a_start_is_refused_alike_and_leaves_nothing(channels, procedures, privacy, field, expected):
    page = channels.start_page(procedures, privacy=privacy)
    api = channels.start_api(procedures, privacy=privacy)
    assert api.status_code == 400
    page_field = "privacy" if field == "privacy_notice_accepted" else field
    assert page.status_code == 200 and page_errors(page)[page_field] == api.json()["errors"][field]
    if expected:
        assert api.json()["errors"][field] == expected
    assert not Bundle.objects.exists()
    assert not AuditEvent.objects.filter(action="privacy.accept").exists()


def test_the_same_draft_through_both_gets_the_same_prefill_refusals_and_stored_data(channels):
    citizen = channels.citizen
    declaration = birth_declaration(procedures=["health_insurance"])
    # The hospital sent the certificate naming this citizen as the mother.
    hospital = facility_register(code="BV-SAN-NA", name="Bệnh viện Sản Nhi Nghệ An", ward_id=WARD_A)[0]
    certificate = BirthCertificateSerializer(
        data={
            "certificate_number": declaration["birth"]["medical_birth_certificate_number"],
            "facility": hospital.code,
            "mother": {
                "full_name": citizen.full_name,
                "date_of_birth": citizen.date_of_birth.isoformat(),
                "id_number": citizen.id_number,
            },
            "child": {
                "sex": "female",
                "date_of_birth": declaration["child"]["date_of_birth"],
                "time_of_birth": "07:45",
            },
            "weight_grams": 3000,
            "children_born": 1,
        }
    )
    certificate.is_valid(raise_exception=True)
    certificate_receive(facility=hospital, kind=CertificateKind.BIRTH, data=certificate.validated_data)

    assert channels.start_page(["health_insurance"]).status_code == 302
    by_page = Bundle.objects.latest("created_at")
    assert channels.start_api(["health_insurance"]).status_code == 201
    by_api = Bundle.objects.latest("created_at")
    assert AuditEvent.objects.filter(action="privacy.accept", actor_id=citizen.pk).count() == 2

    # A mother filing for her child: her own identity comes from her e-ID account on both.
    requester = {"requester": {"relationship": "mother", "phone": "0912345678"}}
    requester_page = form.page_by_slug("birth", "nguoi-yeu-cau")
    assert (
        channels.post_page(by_page, requester_page.slug, page_post(requester, requester_page)).status_code
        == 302
    )
    assert channels.patch_api(by_api, requester).status_code == 200
    for bundle in (by_page, by_api):
        mother = declaration_of(Bundle.objects.get(pk=bundle.pk))["mother"]
        assert (mother["full_name"], mother["id_number"]) == (citizen.full_name, citizen.id_number)

    # The same refusal for a procedure the catalogue does not have, and nothing of it stored.
    procedures_page = channels.post_page(by_page, "thu-tuc", {"procedures": ["passport"]})
    refused = channels.patch_api(by_api, {"procedures": ["passport"]})
    assert refused.status_code == 400 and procedures_page.status_code == 400
    assert page_errors(procedures_page)["procedures"] == refused.json()["errors"]["procedures"]

    # The child's page without what the certificate says, then the certificate check on each.
    typed = copy.deepcopy(declaration)
    typed["child"].pop("sex")
    for key in ("time_of_birth", "place_of_birth_facility", "place_of_birth_ward"):
        typed["birth"].pop(key)
    child_page = form.page_by_slug("birth", "tre")
    assert (
        channels.post_page(by_page, "tre", {**page_post(typed, child_page), "kiem-tra-giay": "1"}).status_code
        == 302
    )
    assert channels.patch_api(by_api, {"child": typed["child"], "birth": typed["birth"]}).status_code == 200
    checked = channels.api.post(f"/api/v1/bundles/{by_api.public_id}/check-certificate/")
    assert checked.status_code == 200 and checked.json()["status"] == "verified"

    stored_page = declaration_of(Bundle.objects.get(pk=by_page.pk))
    stored_api = declaration_of(Bundle.objects.get(pk=by_api.pk))
    assert stored_page == stored_api
    assert stored_api["child"]["sex"] == "female"  # as the hospital recorded it
    assert stored_api["child"]["date_of_birth"] == date.fromisoformat(declaration["child"]["date_of_birth"])
    assert stored_api["birth"]["place_of_birth_facility"] == "Bệnh viện Sản Nhi Nghệ An"
    assert stored_api["procedures"] == ["health_insurance"]
