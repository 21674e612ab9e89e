"""Every allowed transition works; every disallowed (state, action) pair is refused with 409 and leaves
the database exactly as it was."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from portal.audit.models import AuditEvent
from registrations import services
from registrations.constants import BundleState
from registrations.exceptions import ValidationFailed
from registrations.models import (
    Bundle,
    BundleCodeCounter,
    Correction,
    RegistrationCounter,
    Step,
    SupplementRequest,
)

from .helpers import Api
from .states import Cast, build, step

pytestmark = pytest.mark.usefixtures("divisions")

ALL_STATES = list(BundleState.values)
# action → (who acts, JSON body)
ACTIONS = {
    "submit": ("citizen", {}),
    "withdraw": ("citizen", {"reason": "Không cần nữa"}),
    "resubmit": ("citizen", {"child": {"full_name": "Nguyễn Minh Khang"}}),
    "accept": ("clerk", {}),
    "request-supplement": (
        "clerk",
        {"items": [{"field": "mother.residence_address", "reason": "Ghi rõ số nhà"}]},
    ),
    "reject": ("clerk", {"reason": "Không thuộc thẩm quyền"}),
    "register": ("clerk", {}),
    "request-correction": (
        "clerk",
        {"changes": {"birth": {"hometown": "Nghi Xuân, Hà Tĩnh"}}, "reason": "Sai quê"},
    ),
    "decide-correction": ("clerk", {"approve": True, "note": "Đúng theo giấy tờ"}),
}
ALLOWED = {
    "draft": {"submit", "withdraw"},
    "submitted": {"accept", "request-supplement", "reject", "withdraw"},
    "in_review": {"request-supplement", "reject", "withdraw", "register"},
    "awaiting_citizen": {"resubmit", "reject", "withdraw"},
    "registered": {"request-correction"},
    "signed": {"request-correction"},
    "completed": {"request-correction"},
    "partially_completed": {"request-correction"},
    "rejected": set(),
    "withdrawn": set(),
}
EXPECTED_AFTER = {
    "submit": "submitted",
    "withdraw": "withdrawn",
    "resubmit": "submitted",
    "accept": "in_review",
    "request-supplement": "awaiting_citizen",
    "reject": "rejected",
    "register": "registered",
}


def snapshot(bundle_id):
    """Everything a refused action must leave untouched."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registrations_bundle WHERE id = %s", [bundle_id])
        bundle_row = cursor.fetchall()
    return (
        bundle_row,
        list(Step.objects.filter(bundle_id=bundle_id).order_by("pk").values()),
        AuditEvent.objects.count(),
        list(SupplementRequest.objects.filter(bundle_id=bundle_id).values()),
        list(Correction.objects.filter(bundle_id=bundle_id).values()),
        list(RegistrationCounter.objects.values()),
        list(BundleCodeCounter.objects.values()),
    )


@pytest.fixture
def cast(db):
    return Cast()


# Submitting again a bundle already submitted answers 200 with the bundle unchanged (a double click,
# a retry after a lost answer): tested below, not refused.
RESUBMITTED = [s for s in ALL_STATES if s not in ("draft", "awaiting_citizen", "rejected", "withdrawn")]
DISALLOWED = [
    (s, a)
    for s in ALL_STATES
    for a in sorted(ACTIONS)
    if a not in ALLOWED[s] and not (a == "submit" and s in RESUBMITTED)
]


def test_the_table_covers_every_state_and_action():
    assert set(ALLOWED) == set(ALL_STATES)
    total = len(DISALLOWED) + len(RESUBMITTED) + sum(len(a) for a in ALLOWED.values())
    assert total == len(ALL_STATES) * len(ACTIONS)


@pytest.mark.parametrize("state", RESUBMITTED)
def test_submitting_again_answers_with_the_bundle_and_changes_nothing(cast, state):
    bundle = build(state, cast)
    before = snapshot(bundle.pk)
    response = Api(cast.citizen).act(bundle.public_id, "submit", None)
    assert response.status_code == 200 and response.json()["code"] == bundle.code
    assert snapshot(bundle.pk) == before


@pytest.mark.parametrize(("state", "action"), DISALLOWED)
def test_every_disallowed_action_is_refused_and_changes_nothing(cast, state, action):
    bundle = build(state, cast)
    actor, body = ACTIONS[action]
    before = snapshot(bundle.pk)
    response = Api(getattr(cast, actor)).act(bundle.public_id, action, body)
    if state == "draft" and actor == "clerk":
        # Staff never see drafts: for them the bundle does not exist.
        assert response.status_code == 404
    else:
        assert response.status_code == 409, (state, action, response.json())
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 409 and "allowed_actions" in problem
    assert snapshot(bundle.pk) == before


@pytest.mark.parametrize(
    ("state", "action"), [(s, a) for s, actions in ALLOWED.items() for a in sorted(actions)]
)
def test_every_allowed_action_succeeds(cast, state, action):
    bundle = build(state, cast)
    actor, body = ACTIONS[action]
    response = Api(getattr(cast, actor)).act(bundle.public_id, action, body)
    assert response.status_code == 200, response.json()
    bundle.refresh_from_db()
    if action in EXPECTED_AFTER:
        assert bundle.state == EXPECTED_AFTER[action]
        event = AuditEvent.objects.filter(stream=f"bundle:{bundle.public_id}").order_by("-seq").first()
        assert event.data["to"] == bundle.state and event.actor_id == getattr(cast, actor).pk
    else:
        assert bundle.corrections.filter(state="requested").count() == 1


def test_sign_needs_the_personal_id_number_or_an_overdue_waiver(cast):
    bundle = build("registered", cast)
    with pytest.raises(ValidationFailed):
        services.bundle_sign(bundle=bundle, actor=cast.leader)
    assert Bundle.objects.get(pk=bundle.pk).state == "registered"
    # Not overdue yet: the clerk cannot waive the number.
    with pytest.raises(ValidationFailed):
        services.bundle_issue_without_personal_id(bundle=bundle, actor=cast.clerk, reason="Chờ lâu")
    Step.objects.filter(pk=step(bundle, "personal_id").pk).update(
        deadline=timezone.now() - timedelta(hours=1)
    )
    services.bundle_issue_without_personal_id(bundle=bundle, actor=cast.clerk, reason="Quá hạn cấp số")
    services.bundle_sign(bundle=bundle, actor=cast.leader)
    bundle.refresh_from_db()
    assert bundle.state == "signed" and bundle.extract_without_personal_id
    # Signing released the steps that waited for the extract (the personal ID is still pending).
    states = dict(Step.objects.filter(bundle=bundle).values_list("procedure", "state"))
    assert states["permanent_residence"] == "waiting"  # it also needs the personal ID number
    assert states["personal_id"] == "pending"


def test_signing_releases_steps_and_completion_follows_the_last_step(cast):
    bundle = build("signed", cast)
    states = dict(Step.objects.filter(bundle=bundle).values_list("procedure", "state"))
    assert states == {
        "birth_registration": "done",
        "personal_id": "done",
        "permanent_residence": "pending",
        "health_insurance": "pending",
    }
    completed = build("completed", cast)
    assert completed.state == "completed" and completed.completed_at is not None


def test_a_clerk_closes_a_bundle_with_a_rejected_step_as_partially_completed(cast):
    bundle = build("partially_completed", cast)
    assert bundle.state == "partially_completed"
    assert Step.objects.filter(bundle=bundle, state="rejected").count() == 1


def test_only_the_right_role_may_act(cast):
    bundle = build("submitted", cast)
    leader = Api(cast.leader)
    response = leader.act(bundle.public_id, "accept")
    assert response.status_code == 403
    assert Bundle.objects.get(pk=bundle.pk).state == "submitted"
    owner_tries_clerk_action = Api(cast.citizen).act(bundle.public_id, "register")
    assert owner_tries_clerk_action.status_code == 403


@pytest.mark.django_db
def test_a_copy_loaded_before_another_transition_cannot_be_saved_over_it():
    cast = Cast()
    bundle = build("submitted", cast)
    stale = Bundle.objects.get(pk=bundle.pk)
    fresh = Bundle.objects.get(pk=bundle.pk)
    fresh.accept()
    fresh.save()
    stale.reject()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    assert Bundle.objects.get(pk=bundle.pk).state == BundleState.IN_REVIEW
    # The state fields are found once per model and are the state field alone.
    assert [f.name for f in fresh.state_fields] == ["state"]
    assert [f.name for f in step(bundle, "personal_id").state_fields] == ["state"]
