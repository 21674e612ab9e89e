"""The national portal connector against the mock portal over real HTTP (the live server), in both
payload styles: dossiers come in as bundles once, refused ones go back as status 3, and every change
goes back out in order, each status once."""

from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings

from interconnect.national_portal import inbound, mapping, outbound
from interconnect.national_portal.clients import STYLES
from interconnect.national_portal.mock.filing import file_dossier
from interconnect.national_portal.mock.models import MockDossier, MockKnobs, MockStatus
from interconnect.national_portal.models import InboundDossier, StatusMessage
from interconnect.national_portal.styles import portal_client
from registrations import services as bundle_services
from registrations.models import Bundle
from signing import services as signing_services
from tests.registrations.helpers import birth_declaration
from tests.registrations.states import Cast, build

from .conftest import drain

pytestmark = pytest.mark.django_db(transaction=True)
WARD = 16690


@pytest.fixture(params=["coordination", "sync"])
def portal(request, agencies, settings):
    """The connector switched on and pointed at the mock portal of the live server."""
    settings.NATIONAL_PORTAL = {
        **django_settings.NATIONAL_PORTAL,
        "style": request.param,
        "base_url": f"{agencies.url}/mock-dich-vu-cong",
        "from": date(2026, 1, 1),
        "provinces": ["40"],
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "read_timeout": 2.0,
    }
    return request.param


def push_all(seconds: float = 20) -> None:
    """Run the status relay in this process until every message is delivered (or dead)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message_id, attempt in outbound.messages_claim():
            outbound.message_deliver(message_id=message_id, attempt=attempt)
        if not StatusMessage.objects.filter(state__in=("pending", "sending")).exists():
            return
        time.sleep(0.02)
    raise AssertionError(
        list(StatusMessage.objects.values_list("dossier_code", "seq", "state", "last_error"))
    )


def cast_with_a_named_citizen() -> Cast:
    """The cast, its citizen named as a person is (the factory's names carry a number)."""
    cast = Cast()
    cast.citizen.full_name = "Nguyễn Thị Hoà"
    cast.citizen.save(update_fields=["full_name"])
    return cast


def statuses_at_the_portal(code: str) -> list[int]:
    return list(MockStatus.objects.filter(dossier_code=code).order_by("pk").values_list("status", flat=True))


def test_every_change_maps_to_a_portal_status_and_words_for_both_groups(db):
    transitions = {(t.source, t.target) for t in Bundle._meta.get_field("state").get_all_transitions(Bundle)}
    for source, target in transitions:
        if source == "draft" and target != "submitted":
            continue  # a draft is not a dossier yet: nothing to report
        reported = mapping.for_bundle(source=source, target=target, details={"reason": "Sai tên"})
        assert reported, (source, target)
        for r in reported:
            assert r.status in mapping.STATUS_CODES and r.text and "{" not in r.text, (source, target, r)
    assert [r.status for r in mapping.for_bundle(source="submitted", target="rejected", details={})] == [3]
    assert [r.status for r in mapping.for_bundle(source="in_review", target="rejected", details={})] == [8]
    assert [r.status for r in mapping.for_bundle(source="signed", target="completed", details={})] == [9, 10]
    assert [
        r.status for r in mapping.for_bundle(source="in_review", target="awaiting_citizen", details={})
    ] == [5]
    assert [r.status for r in mapping.for_bundle(source="submitted", target="withdrawn", details={})] == [7]
    procedures = {
        "birth": ["personal_id", "permanent_residence", "health_insurance", "child_id_card"],
        "death": ["residence_removal", "funeral_allowance"],
    }
    assert mapping.for_step(state="accepted", details={}) == []  # a 202 is not a result
    for group, codes in procedures.items():
        for code in codes:
            for state in ("done", "rejected", "dead"):
                details = {"agency": "Công an", "procedure": code, "reason": ""}
                [report] = mapping.for_step(state=state, details=details)
                assert report.status == 4 and code in report.text and "{" not in report.text, (group, state)
                assert not report.text.endswith((":", ": ."))


def test_dossiers_come_in_once_and_a_bad_one_goes_back_as_not_accepted(portal, agencies):
    cast = cast_with_a_named_citizen()
    MockKnobs.objects.update_or_create(pk=1, defaults={"knobs": {"lose_first_ack": True}})
    birth = file_dossier(citizen=cast.citizen, group="birth", ward=WARD)
    death = file_dossier(citizen=cast.citizen, group="death", ward=WARD, xml=True)
    broken = birth_declaration()
    broken["child"]["date_of_birth"] = "2999-01-01"
    bad = file_dossier(citizen=cast.citizen, group="birth", ward=WARD, declaration=broken)
    weak = file_dossier(citizen=cast.citizen, group="death", ward=WARD, eid_level=1)
    client = portal_client()
    first = inbound.dossiers_pull(client=client, wards=[WARD])
    assert (first["accepted"], first["refused"], first["again"]) == (2, 2, 0)
    again = inbound.dossiers_pull(client=client, wards=[WARD])  # every acknowledgement was lost once
    assert (again["accepted"], again["refused"], again["again"]) == (0, 0, 4)
    assert inbound.dossiers_pull(client=client, wards=[WARD])["again"] == 0  # acknowledged at last
    # Listed twice in one answer: taken once.
    MockKnobs.objects.update_or_create(pk=1, defaults={"knobs": {"duplicate_listing": True}})
    twice = file_dossier(citizen=cast.citizen, group="birth", ward=WARD)
    both = inbound.dossiers_pull(client=client, wards=[WARD])
    assert (both["accepted"], both["again"]) == (1, 1)
    bundles = Bundle.objects.filter(origin="national_portal")
    assert bundles.count() == 3 and set(bundles.values_list("group", flat=True)) == {"birth", "death"}
    assert InboundDossier.objects.filter(code=twice.code).count() == 1
    assert set(bundles.values_list("state", flat=True)) == {"submitted"}
    assert InboundDossier.objects.get(code=birth.code).bundle.group == "birth"
    assert InboundDossier.objects.get(code=death.code).bundle.group == "death"
    refused = InboundDossier.objects.get(code=bad.code)
    assert refused.outcome == "refused" and refused.bundle is None
    assert any("child" in field for field in refused.reasons)
    assert "applicant" in InboundDossier.objects.get(code=weak.code).reasons
    push_all()
    assert statuses_at_the_portal(bad.code) == [3] == statuses_at_the_portal(weak.code)
    said = MockStatus.objects.get(dossier_code=bad.code).body
    words = said.get("noiDungXuLy") or said.get("NoiDungXuLy")
    assert words.startswith("Hồ sơ không được tiếp nhận: child")


def test_a_dossier_is_reported_in_order_from_received_to_result_returned(portal, agencies):
    cast = cast_with_a_named_citizen()
    dossier = file_dossier(citizen=cast.citizen, group="birth", ward=WARD)
    inbound.dossiers_pull(client=portal_client(), wards=[WARD])
    bundle = InboundDossier.objects.get(code=dossier.code).bundle
    bundle_services.bundle_accept(bundle=bundle, actor=cast.clerk)
    bundle_services.bundle_register(bundle=bundle, actor=cast.clerk)
    drain(until=lambda: bundle.steps.filter(procedure="personal_id", state="done").exists())
    signing_services.certificate_issue_dev(user=cast.leader)
    signing_services.bundle_sign_extract(bundle=bundle, leader=cast.leader)  # the signed PDF
    drain()
    bundle.refresh_from_db()
    assert bundle.state == "completed"
    push_all()
    sequence = statuses_at_the_portal(dossier.code)
    assert sequence[0] == 2 and sequence[-2:] == [9, 10] and set(sequence[1:-2]) == {4}
    messages = list(StatusMessage.objects.filter(dossier_code=dossier.code).order_by("seq"))
    assert [m.status for m in messages] == sequence  # each status once, in the order of the changes
    assert [m.seq for m in messages] == list(range(1, len(messages) + 1))
    last = MockStatus.objects.filter(dossier_code=dossier.code).last().body
    extract = bundle.extracts.get()
    if portal == "coordination":
        [result] = last["ketQuaXuLy"]
        assert result["maKetQua"] == extract.token
        assert (
            result["duongDanTepTinKetQua"] == f"{django_settings.SITE_URL}/trich-luc/{extract.token}/tai-ve/"
        )
    else:  # the results go with the dossier (DongBoHoSoMC), the progress record names the return
        assert "Trả kết quả điện tử" in last["NoiDungXuLy"] and last["TrangThai"] == 10
    assert MockDossier.objects.get(code=dossier.code).status == 10


def test_our_own_bundles_are_reported_under_their_own_code(portal, agencies):
    cast = Cast()
    bundle = build("submitted", cast)
    bundle_services.bundle_accept(bundle=bundle, actor=cast.clerk)
    push_all()
    assert statuses_at_the_portal(bundle.code) == [1, 2]
    assert MockDossier.objects.get(code=bundle.code).ward_id == bundle.ward_id


def test_the_same_message_twice_counts_once_and_a_portal_outage_is_waited_out(portal, agencies):
    cast = cast_with_a_named_citizen()
    dossier = file_dossier(citizen=cast.citizen, group="death", ward=WARD)
    inbound.dossiers_pull(client=portal_client(), wards=[WARD])
    bundle = InboundDossier.objects.get(code=dossier.code).bundle
    MockKnobs.objects.update_or_create(pk=1, defaults={"knobs": {"error_rate": 1.0}})
    bundle_services.bundle_accept(bundle=bundle, actor=cast.clerk)
    for message_id, attempt in outbound.messages_claim():
        assert outbound.message_deliver(message_id=message_id, attempt=attempt) == "retry"
    MockKnobs.objects.update_or_create(pk=1, defaults={"knobs": {}})
    push_all()
    message = StatusMessage.objects.get(dossier_code=dossier.code)
    # Sent again by hand (as after a lease that expired mid-send): the portal takes it once.
    outbound.message_deliver(message_id=message.pk, attempt=message.attempts)  # stale: no-op
    client = portal_client()
    client.push(message={**message.payload, "key": message.idempotency_key})
    assert statuses_at_the_portal(dossier.code) == [2]
    assert MockStatus.objects.get(dossier_code=dossier.code).repeats == 1


def test_the_case_page_shows_the_portal_sync_and_the_clerk_replays_what_failed(portal, agencies, client):
    cast = cast_with_a_named_citizen()
    bundle = build("submitted", cast)
    MockKnobs.objects.update_or_create(pk=1, defaults={"knobs": {}})
    # The portal refuses the login (a password changed there): the message cannot go, a person must look.
    wrong = STYLES[portal]({**django_settings.NATIONAL_PORTAL, "password": "mat-khau-cu"})
    for message_id, attempt in outbound.messages_claim():
        assert outbound.message_deliver(message_id=message_id, attempt=attempt, client=wrong) == "dead"
    message = StatusMessage.objects.get(bundle_id=bundle.pk)
    assert message.state == "dead"
    from django.utils import timezone

    from interconnect.national_portal.selectors import stalled

    assert "could not be delivered" in stalled(now=timezone.now())
    client.force_login(cast.clerk)
    page = client.get(f"/can-bo/ho-so/{bundle.public_id}/").content.decode()
    assert "Đồng bộ với Cổng Dịch vụ công quốc gia" in page and bundle.code in page
    assert "1 · Mới đăng ký" in page and "Gửi thất bại (cần xử lý)" in page
    replay = client.post(f"/can-bo/ho-so/{bundle.public_id}/cong-dvc/gui-lai/", {"confirm": "1"})
    assert replay.status_code == 302
    push_all()
    assert statuses_at_the_portal(bundle.code) == [1]
    assert stalled(now=timezone.now()) is None
    page = client.get(f"/can-bo/ho-so/{bundle.public_id}/").content.decode()
    assert "Đã gửi" in page


def test_an_answer_past_its_bound_is_not_read_and_the_dossier_waits(portal, agencies, monkeypatch):
    from interconnect.national_portal import clients

    cast = cast_with_a_named_citizen()
    dossier = file_dossier(citizen=cast.citizen, group="birth", ward=WARD)
    monkeypatch.setattr(clients, "MAX_ANSWER_BYTES", 600)  # the list fits, the dossier does not
    counts = inbound.dossiers_pull(client=portal_client(), wards=[WARD])
    assert counts["unavailable"] == 1 and counts["accepted"] == 0
    assert not InboundDossier.objects.exists()
    assert MockDossier.objects.get(code=dossier.code).acknowledged_at is None  # listed again next time


def test_a_supplement_reports_the_promised_date_before_it_and_the_new_one_after(portal, agencies):
    cast = cast_with_a_named_citizen()
    bundle = build("in_review", cast)
    promised = StatusMessage.objects.filter(bundle_id=bundle.pk).order_by("-seq").first().payload["due_at"]
    items = [{"field": "mother.residence_address", "reason": "Ghi rõ số nhà"}]
    bundle_services.bundle_request_supplement(bundle=bundle, actor=cast.clerk, items=items)
    asked = StatusMessage.objects.filter(bundle_id=bundle.pk).order_by("-seq").first()
    assert asked.status == 5 and "Ghi rõ số nhà" in asked.payload["text"]
    assert asked.payload["due_at"] is None and asked.payload["promised_before"] == promised
    assert asked.payload["supplement_due"]
    answer = {"mother": {"residence_address": "Số 12 đường Lê Hồng Phong"}}
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() + timedelta(days=4)):  # the family answers days later
        bundle_services.bundle_resubmit(bundle=bundle, actor=cast.citizen, data=answer)
        answered = StatusMessage.objects.filter(bundle_id=bundle.pk).order_by("-seq").first()
        assert answered.status == 4 and answered.payload["promised_before"] == promised
        assert answered.payload["due_at"] and answered.payload["due_at"] != promised
        push_all()
    assert statuses_at_the_portal(bundle.code)[-2:] == [5, 4]


def test_a_bundle_filed_before_the_switch_is_made_known_to_the_portal_at_its_next_change(
    portal, agencies, settings
):
    cast = cast_with_a_named_citizen()
    settings.NATIONAL_PORTAL = {**settings.NATIONAL_PORTAL, "from": date(2099, 1, 1)}
    bundle = build("submitted", cast)  # before the connector runs: nothing reported
    assert not StatusMessage.objects.filter(bundle_id=bundle.pk).exists()
    settings.NATIONAL_PORTAL = {**settings.NATIONAL_PORTAL, "from": date(2026, 1, 1)}
    bundle_services.bundle_accept(bundle=bundle, actor=cast.clerk)
    push_all()
    assert statuses_at_the_portal(bundle.code) == [1, 2]


def test_what_a_peer_gets_wrong_is_refused_or_skipped_and_never_stops_the_others(portal, agencies):
    cast = cast_with_a_named_citizen()
    good = file_dossier(citizen=cast.citizen, group="death", ward=WARD)
    MockDossier.objects.create(code="mã có dấu cách và quá dài " * 5, procedure_code="2.002913", ward_id=WARD)
    huge = birth_declaration()
    huge["child"]["full_name"] = "Nguyễn " * 2000
    too_long = file_dossier(citizen=cast.citizen, group="birth", ward=WARD, declaration=huge)
    not_a_form = file_dossier(citizen=cast.citizen, group="birth", ward=WARD, declaration={})
    MockDossier.objects.filter(pk=not_a_form.pk).update(
        declaration={"xml": "<ToKhai><!ENTITY x 'y'></ToKhai>"}
    )
    broken_scan = file_dossier(citizen=cast.citizen, group="death", ward=WARD)
    MockDossier.objects.filter(pk=broken_scan.pk).update(
        attachments=[{"loaiGiayTo": "death_notice", "tenTep": "x.pdf", "noiDung": "không phải base64"}]
    )
    counts = inbound.dossiers_pull(client=portal_client(), wards=[WARD])
    assert counts["accepted"] == 1 and counts["refused"] == 3
    assert InboundDossier.objects.get(code=good.code).outcome == "accepted"
    for refused in (too_long, not_a_form, broken_scan):
        row = InboundDossier.objects.get(code=refused.code)
        assert row.outcome == "refused" and row.reasons and row.bundle is None, refused.code
    assert InboundDossier.objects.count() == 4  # the listed code that cannot be a code was not kept


def test_the_mock_portal_answers_nonsense_without_failing(db, client):
    from interconnect.national_portal.mock.views import _token

    bearer = {"authorization": f"Bearer {_token()}"}
    long = "x" * 500
    calls = [
        ("post", "/mock-dich-vu-cong/service", {"session": _token(), "service": "CapNhatTienDoHoSoMC",
                                                "data": [{"MaHoSo": long, "TrangThai": "abc"}, 5, None]}),
        ("post", "/mock-dich-vu-cong/service", {"session": _token(), "service": "TraCuuHoSo",
                                                "data": {"MaDonVi": "không phải số"}}),
        ("post", "/mock-dich-vu-cong/service", {"session": _token(), "service": "DongBoHoSoMC", "data": "x"}),
        ("post", f"/mock-dich-vu-cong/dossiers/{long}/status", {"trangThai": 1, "maDonVi": "abc"}),
        ("post", "/mock-dich-vu-cong/dossiers/H1/status", {"trangThai": 99}),
        ("get", "/mock-dich-vu-cong/dossiers?maDonVi=abc", None),
    ]  # fmt: skip
    for method, path, body in calls:
        headers = {**bearer, "idempotency-key": long} if "status" in path else bearer
        if method == "post":
            answer = client.post(path, data=body, content_type="application/json", headers=headers)
        else:
            answer = client.get(path, headers=headers)
        assert answer.status_code < 500, (path, answer.status_code)
