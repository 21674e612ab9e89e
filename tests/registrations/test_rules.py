"""Submission rules, the supplement cycle, corrections, duplicates and catalogue versions."""

import copy
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from registrations import services
from registrations.constants import BundleState
from registrations.models import Bundle, CatalogueVersion, GroupRule, Procedure
from tests.factories import WARD_B, valid_personal_id

from .helpers import Api, birth_declaration, death_declaration, submitted
from .states import Cast, build, draft, validated

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def cast(db):
    return Cast()


def submit_errors(cast, declaration, *, attach=True):
    api = Api(cast.citizen)
    created = api.create(declaration)
    if created.status_code == 400:  # refused as soon as the draft is started
        assert not Bundle.objects.exists()
        return created.json()["errors"]
    key = created.json()["id"]
    if attach:
        kind = "medical_birth_certificate" if declaration["group"] == "birth" else "death_notice"
        api.attach(key, kind)
    response = api.act(key, "submit")
    assert response.status_code == 400, response.json()
    assert Bundle.objects.get(public_id=key).state == "draft"
    return response.json()["errors"]


def test_submission_lists_every_missing_field_and_attachment(cast):
    declaration = birth_declaration()
    del declaration["mother"]["id_number"]
    declaration["residence"] = {}
    errors = submit_errors(cast, declaration, attach=False)
    assert "mother.id_number" in errors
    assert "residence.household_head_full_name" in errors
    assert "attachments.medical_birth_certificate" in errors


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(procedures=[]), "procedures"),
        (lambda d: d.update(procedures=["personal_id"]), "procedures"),
        (lambda d: d.update(procedures=["passport"]), "procedures"),
        (lambda d: d["child"].update(nationality="FR"), "child.nationality"),
        (
            lambda d: d["mother"].update(
                date_of_birth=(date.today() - timedelta(days=3000)).isoformat(), id_number=None
            ),
            "mother.date_of_birth",
        ),
        (lambda d: d.update(registration_ward=WARD_B), "registration_ward"),
        (lambda d: d["residence"].update(owner_consent=False), "residence.owner_consent"),
        (lambda d: d["residence"].update(collective_household=True), "residence.collective_household"),
        (lambda d: d["health_insurance"].update(first_card=False), "health_insurance.first_card"),
        (lambda d: d["requester"].update(relationship="spouse"), "requester.relationship"),
    ],
)
def test_birth_rules_each_give_a_clear_message(cast, change, path):
    declaration = birth_declaration()
    change(declaration)
    errors = submit_errors(cast, declaration)
    assert path in errors, errors
    assert all(isinstance(m, str) and m for m in errors[path])


def test_child_id_card_by_post_needs_an_address(cast):
    declaration = birth_declaration(procedures=["child_id_card"])
    declaration["child_id_card"] = {"delivery_method": "post"}
    assert "child_id_card.delivery_address" in submit_errors(cast, declaration)


def test_bhyt_and_id_card_only_for_a_child_under_six(cast):
    declaration = birth_declaration(
        procedures=["health_insurance"], child_born=date.today() - timedelta(days=6 * 366)
    )
    errors = submit_errors(cast, declaration)
    assert any("dưới 6 tuổi" in m for m in errors["procedures"])


def test_late_registration_is_flagged_not_refused(cast):
    key = submitted(cast.citizen, birth_declaration(child_born=date.today() - timedelta(days=75)))
    assert Bundle.objects.get(public_id=key).late_registration
    key = submitted(cast.citizen, birth_declaration(child_born=date.today() - timedelta(days=20)))
    assert not Bundle.objects.get(public_id=key).late_registration
    late_death = submitted(cast.citizen, death_declaration(died=date.today() - timedelta(days=20)))
    assert Bundle.objects.get(public_id=late_death).late_registration


def test_death_rules(cast):
    declaration = death_declaration()
    declaration["death"]["date_of_death"] = "1940-01-01"
    declaration["death"]["death_notice_date"] = "1939-01-01"
    errors = submit_errors(cast, declaration)
    assert "death.date_of_death" in errors and "death.death_notice_date" in errors
    survivor_wrong_regime = death_declaration(regime="meritorious", survivor=True)
    assert "funeral_allowance.survivor_benefit.requested" in submit_errors(cast, survivor_wrong_regime)
    incomplete_survivor = death_declaration(survivor=True)
    incomplete_survivor["funeral_allowance"]["survivor_benefit"] = {"requested": True}
    errors = submit_errors(cast, incomplete_survivor)
    assert {
        "funeral_allowance.survivor_benefit.survivors",
        "funeral_allowance.survivor_benefit.preferred_form",
    } <= set(errors)


def test_survivor_benefit_accepted_for_an_insured_person(cast):
    key = submitted(cast.citizen, death_declaration(survivor=True))
    body = Api(cast.citizen).get(key).json()
    assert (
        body["declaration"]["funeral_allowance"]["survivor_benefit"]["survivors"][0]["relationship"]
        == "spouse"
    )


def test_a_second_death_registration_for_the_same_person_is_refused(cast):
    declaration = death_declaration()
    submitted(cast.citizen, declaration)
    errors = submit_errors(cast, copy.deepcopy(declaration))
    assert "deceased.id_number" in errors


def test_refused_or_withdrawn_bundles_do_not_count_as_duplicates(cast):
    declaration = death_declaration()
    first = submitted(cast.citizen, declaration)
    services.bundle_reject(
        bundle=Bundle.objects.get(public_id=first), actor=cast.clerk, reason="Nộp nhầm nơi"
    )
    submitted(cast.citizen, copy.deepcopy(declaration))


def test_possible_birth_duplicates_are_flagged_for_the_clerk(cast):
    declaration = birth_declaration()
    first = submitted(cast.citizen, declaration)
    same_certificate = submitted(cast.citizen, copy.deepcopy(declaration))
    assert Bundle.objects.get(
        public_id=same_certificate
    ).possible_duplicate_of.public_id.hex == first.replace("-", "")
    similar = copy.deepcopy(declaration)
    similar["birth"]["medical_birth_certificate_number"] = "GCS-KHAC-1"
    similar["child"]["full_name"] = "Nguyễn Minh Khoi"  # one accent away
    flagged = submitted(cast.citizen, similar)
    assert Bundle.objects.get(public_id=flagged).possible_duplicate_of is not None
    unrelated = copy.deepcopy(declaration)
    unrelated["birth"]["medical_birth_certificate_number"] = "GCS-KHAC-2"
    unrelated["child"]["full_name"] = "Phạm Thu Hà"
    assert Bundle.objects.get(public_id=submitted(cast.citizen, unrelated)).possible_duplicate_of is None


def test_only_live_bundles_of_the_same_mother_and_birth_date_count_as_possible_duplicates(cast):
    declaration = birth_declaration()
    first = submitted(cast.citizen, declaration)
    services.bundle_reject(bundle=Bundle.objects.get(public_id=first), actor=cast.clerk, reason="Nộp nhầm")
    # The same certificate again: the first bundle was refused, so nothing to flag.
    again = submitted(cast.citizen, copy.deepcopy(declaration))
    assert Bundle.objects.get(public_id=again).possible_duplicate_of is None
    other_day = copy.deepcopy(declaration)
    other_day["birth"]["medical_birth_certificate_number"] = "GCS-KHAC-3"
    other_day["child"]["date_of_birth"] = str(
        date.fromisoformat(declaration["child"]["date_of_birth"]) - timedelta(days=1)
    )
    assert Bundle.objects.get(public_id=submitted(cast.citizen, other_day)).possible_duplicate_of is None
    other_mother = copy.deepcopy(declaration)
    other_mother["birth"]["medical_birth_certificate_number"] = "GCS-KHAC-4"
    other_mother["mother"]["id_number"] = valid_personal_id(
        date_of_birth=date.fromisoformat(declaration["mother"]["date_of_birth"]), sex="female"
    )
    assert Bundle.objects.get(public_id=submitted(cast.citizen, other_mother)).possible_duplicate_of is None
    same_mother_and_day = copy.deepcopy(declaration)
    same_mother_and_day["birth"]["medical_birth_certificate_number"] = "GCS-KHAC-5"
    flagged = Bundle.objects.get(public_id=submitted(cast.citizen, same_mother_and_day))
    assert flagged.possible_duplicate_of.public_id.hex == again.replace("-", "")


def test_processing_deadline_counts_working_days_from_the_cutoff(cast):
    with time_machine.travel(
        datetime(2026, 11, 27, 15, 30, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        key = submitted(cast.citizen, birth_declaration(child_born=date(2026, 11, 20)))
    bundle = Bundle.objects.get(public_id=key)
    # Friday after 15:00 → counted from Monday 30 Nov; 3 working days → Thursday 3 Dec, 17:00.
    assert timezone.localtime(bundle.due_at) == datetime(
        2026, 12, 3, 17, 0, tzinfo=timezone.get_current_timezone()
    )


# --- supplements --------------------------------------------------------------------------------


def test_supplement_cycle_allows_only_the_requested_fields(cast):
    bundle = build("awaiting_citizen", cast)
    api = Api(cast.citizen)
    assert bundle.due_at is None  # the clock stops while the citizen answers
    refused = api.act(bundle.public_id, "resubmit", {"mother": {"full_name": "Người Khác"}})
    assert refused.status_code == 400 and "mother.full_name" in refused.json()["errors"]
    assert Bundle.objects.get(pk=bundle.pk).state == "awaiting_citizen"
    assert Bundle.objects.get(pk=bundle.pk).people.get(role="mother").full_name == "Nguyễn Thị Lan"
    ok = api.act(bundle.public_id, "resubmit", {"child": {"full_name": "Nguyễn Minh Khang"}})
    assert ok.status_code == 200, ok.json()
    bundle.refresh_from_db()
    assert bundle.state == "submitted" and bundle.due_at is not None
    assert bundle.people.get(role="child").full_name == "Nguyễn Minh Khang"
    assert bundle.supplements.get().answered_at is not None


def test_supplement_reminder_then_rejection_after_seven_working_days(
    cast, django_capture_on_commit_callbacks
):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.get_current_timezone())  # Tuesday
    with time_machine.travel(start, tick=False):
        bundle = build("awaiting_citizen", cast)
    request = bundle.supplements.get()
    assert timezone.localtime(request.due_at).date() == date(2026, 12, 10)  # 7 working days later
    with time_machine.travel(datetime(2026, 12, 8, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.supplements_process_due() == {"reminded": 1, "rejected": 0}
        assert [m.to for m in mail.outbox] == [["me@example.invalid"]]
        assert "10/12/2026" in mail.outbox[0].body
        assert services.supplements_process_due() == {"reminded": 0, "rejected": 0}
    with time_machine.travel(
        datetime(2026, 12, 11, 0, 5, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        assert services.supplements_process_due() == {"reminded": 0, "rejected": 1}
    bundle.refresh_from_db()
    assert bundle.state == BundleState.REJECTED
    assert "Quá thời hạn bổ sung" in bundle.closed_reason


# --- corrections --------------------------------------------------------------------------------


def test_an_approved_correction_changes_the_record_and_is_announced(cast, django_capture_on_commit_callbacks):
    from registrations.signals import bundle_corrected

    bundle = build("registered", cast)
    heard = []
    bundle_corrected.connect(lambda sender, **kw: heard.append(kw["bundle"].pk), weak=False, dispatch_uid="t")
    try:
        owner = Api(cast.citizen)
        response = owner.act(
            bundle.public_id,
            "request-correction",
            {"changes": {"child": {"full_name": "Nguyễn Minh Khoa"}}, "reason": "Sai chính tả"},
        )
        assert response.status_code == 200
        assert (
            bundle.people.get(role="child").full_name == "Nguyễn Minh Khôi"
        )  # nothing changes until approved
        with django_capture_on_commit_callbacks(execute=True):
            decided = Api(cast.clerk).act(bundle.public_id, "decide-correction", {"approve": True})
        assert decided.status_code == 200, decided.json()
    finally:
        bundle_corrected.disconnect(dispatch_uid="t")
    assert bundle.people.get(role="child").full_name == "Nguyễn Minh Khoa"
    assert heard == [bundle.pk]


def test_a_refused_correction_changes_nothing(cast):
    bundle = build("registered", cast)
    Api(cast.clerk).act(
        bundle.public_id,
        "request-correction",
        {"changes": {"birth": {"hometown": "Hà Tĩnh"}}, "reason": "Đề nghị"},
    )
    Api(cast.clerk).act(bundle.public_id, "decide-correction", {"approve": False, "note": "Không có căn cứ"})
    assert Bundle.objects.get(pk=bundle.pk).birth.hometown == "Nghi Lộc, Nghệ An"
    assert bundle.corrections.get().state == "refused"


# --- catalogue versions -------------------------------------------------------------------------


def test_a_later_catalogue_version_leaves_earlier_bundles_on_theirs(cast):
    before = submitted(cast.citizen, birth_declaration())
    current = CatalogueVersion.objects.get(code="ND301-2026")
    later_start = timezone.localdate() + timedelta(days=30)
    # A new decree: same groups, the residence step gets 1 working day.
    nxt = CatalogueVersion.objects.create(
        code="ND999-2027", legal_basis="Nghị định giả định", effective_from=later_start
    )
    CatalogueVersion.objects.filter(effective_from__gt=current.effective_from).exclude(pk=nxt.pk).update(
        effective_from=later_start + timedelta(days=365)
    )
    current.effective_to = later_start
    current.save()
    for rule in GroupRule.objects.filter(version=current):
        rule.pk, rule.version = None, nxt
        rule.save()
    for procedure in Procedure.objects.filter(version=current):
        procedure.pk, procedure.version = None, nxt
        procedure.time_limit_days = (
            1 if procedure.code == "permanent_residence" else procedure.time_limit_days
        )
        procedure.save()

    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        after = submitted(
            cast.citizen, birth_declaration(child_born=timezone.localdate() - timedelta(days=2))
        )
    old, new = Bundle.objects.get(public_id=before), Bundle.objects.get(public_id=after)
    assert old.catalogue_version.code == "ND301-2026" and new.catalogue_version.code == "ND999-2027"
    assert old.steps.get(procedure="permanent_residence").time_limit_days == 2
    assert new.steps.get(procedure="permanent_residence").time_limit_days == 1


def test_the_catalogue_before_september_2026_has_no_child_id_card(cast):
    version = CatalogueVersion.objects.get(code="ND63-2024")
    assert not Procedure.objects.filter(version=version, code="child_id_card").exists()
    later = CatalogueVersion.objects.get(code="LHT-2027")
    assert GroupRule.objects.get(version=later, group="death").extract_title == "Giấy chứng tử"


def test_drafts_keep_invalid_values_out_but_accept_missing_ones(cast):
    bundle = draft(cast, {"group": "birth", "procedures": ["health_insurance"]})
    assert bundle.state == "draft"
    response = Api(cast.citizen).patch(bundle.public_id, {"mother": {"id_number": "123"}})
    assert response.status_code == 400 and "mother.id_number" in response.json()["errors"]  # by field path
    assert (
        validated({"group": "death", "deceased": {"full_name": "Lê Văn Bảy"}})["deceased"]["full_name"]
        == "Lê Văn Bảy"
    )
