import pytest
import yaml
from rest_framework.test import APIClient

from registrations import signals
from tests.factories import HA_NOI, WARD_B, UserFactory

from .helpers import Api, birth_declaration, death_declaration, submitted
from .states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def cast(db):
    return Cast()


def test_lists_follow_jurisdiction_and_filters(cast):
    own = submitted(cast.citizen, birth_declaration())
    submitted(cast.citizen, death_declaration())
    other_ward = Cast()
    other_ward.clerk = UserFactory(clerk=True, ward_id=WARD_B)
    submitted(other_ward.citizen, birth_declaration(ward=WARD_B))
    Api(cast.citizen).create({"group": "birth", "procedures": ["health_insurance"]})  # only its owner sees it

    def ids(user, query=""):
        response = Api(user).client.get(f"/api/v1/bundles/{query}")
        assert response.status_code == 200
        return [b["id"] for b in response.json()["results"]]

    assert len(ids(cast.citizen)) == 3  # two submitted and one draft
    assert len(ids(cast.clerk)) == 2
    assert ids(cast.clerk, "?group=birth") == [own]
    assert ids(cast.clerk, "?state=registered") == []
    assert len(ids(UserFactory(province_staff=True))) == 3  # the whole province, no drafts
    assert ids(UserFactory(province_staff=True, province_id=HA_NOI)) == []
    assert ids(other_ward.citizen) and own not in ids(other_ward.citizen)
    assert ids(cast.leader, f"?ward={WARD_B}") == []


def test_lists_mask_nothing_personal_and_details_show_the_declaration(cast):
    key = submitted(cast.citizen, birth_declaration())
    listing = Api(cast.clerk).client.get("/api/v1/bundles/").json()["results"][0]
    assert "declaration" not in listing and "id_number" not in str(listing)
    detail = Api(cast.clerk).get(key).json()
    assert detail["declaration"]["child"]["full_name"] == "Nguyễn Minh Khôi"
    assert detail["declaration"]["requester"]["full_name"] == cast.citizen.full_name
    assert detail["allowed_actions"] == ["accept", "reject", "request_supplement", "withdraw"]


def test_anonymous_callers_get_problem_details(db):
    response = APIClient().get("/api/v1/bundles/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_only_citizens_create_bundles(cast):
    response = Api(cast.clerk).create(birth_declaration())
    assert response.status_code == 403


def test_the_schema_declares_problem_responses_for_every_operation(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) >= 15
    for path, method, operation in operations:
        for status_code in ("400", "401", "403", "404", "409"):
            content = operation["responses"][status_code]["content"]
            assert "application/problem+json" in content, (path, method, status_code)
    assert "/api/v1/bundles/{key}/submit/" in schema["paths"]
    assert client.get("/api/docs/").status_code == 200


def test_announcements_fire_after_commit(cast, django_capture_on_commit_callbacks):
    heard = []

    def listen(signal):
        def receiver(sender, **kwargs):
            heard.append((signal, kwargs.get("step_ids") or kwargs["bundle"].pk))

        return receiver

    receivers = {name: listen(name) for name in ("bundle_registered", "bundle_signed", "step_due")}
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver, dispatch_uid=f"test-{name}")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            bundle = build("signed", cast)
    finally:
        for name in receivers:
            getattr(signals, name).disconnect(dispatch_uid=f"test-{name}")
    kinds = [kind for kind, _ in heard]
    assert kinds.count("bundle_registered") == 1 and kinds.count("bundle_signed") == 1
    assert kinds.count("step_due") == 2  # the personal ID at registration; residence and BHYT at signing
    assert ("bundle_signed", bundle.pk) in heard
