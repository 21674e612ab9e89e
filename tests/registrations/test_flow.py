import pytest

from registrations.models import Bundle, Step
from tests.factories import WARD_A, WARD_B, UserFactory

from .helpers import Api, birth_declaration, death_declaration, submitted

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True)


@pytest.fixture
def clerk(db):
    return UserFactory(clerk=True, ward_id=WARD_A)


def test_birth_bundle_from_draft_to_registered(citizen, clerk):
    key = submitted(citizen, birth_declaration())
    bundle = Bundle.objects.get(public_id=key)
    assert bundle.state == "submitted" and bundle.code.startswith("40.16690-")
    assert bundle.catalogue_version.code == "ND301-2026"
    assert [s.procedure for s in bundle.steps.order_by("position")] == [
        "birth_registration",
        "personal_id",
        "permanent_residence",
        "health_insurance",
    ]
    clerk_api = Api(clerk)
    assert clerk_api.act(key, "accept").status_code == 200
    registered = clerk_api.act(key, "register")
    assert registered.status_code == 200, registered.json()
    assert registered.json()["state"] == "registered" and registered.json()["registration_number"] == 1
    assert registered.json()["state_label"] == "Đã đăng ký"
    body = clerk_api.get(key).json()
    assert body["state_label"] == "Đã đăng ký"
    assert {s["procedure"]: s["state_label"] for s in body["steps"]}["personal_id"] == "Chờ gửi"
    steps = {s["procedure"]: s["state"] for s in body["steps"]}
    assert steps == {
        "birth_registration": "done",
        "personal_id": "pending",
        "permanent_residence": "waiting",
        "health_insurance": "waiting",
    }
    assert [t["action"] for t in body["timeline"]] == ["bundle.submit", "bundle.accept", "bundle.register"]


def test_death_bundle_submits_with_regime_limits(citizen):
    key = submitted(citizen, death_declaration(regime="meritorious"))
    funeral = Step.objects.get(bundle__public_id=key, procedure="funeral_allowance")
    assert funeral.agency == "labour" and funeral.time_limit_days == 18


def test_clerk_of_another_ward_cannot_see_the_bundle(citizen):
    key = submitted(citizen, birth_declaration())
    other = Api(UserFactory(clerk=True, ward_id=WARD_B))
    assert other.get(key).status_code == 404
    assert other.act(key, "accept").status_code == 404
    assert other.client.get("/api/v1/bundles/").json()["count"] == 0
