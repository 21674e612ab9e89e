"""Every dashboard figure against a small data set computed by hand, with a holiday in the middle."""

import csv
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from portal.common.collation import vietnamese_key
from portal.dashboard import selectors
from portal.dashboard.selectors import Filters
from portal.dashboard.services import provinces_refresh
from portal.workcalendar.models import CalendarOverride
from portal.workcalendar.rules import VIETNAM
from registrations import services
from registrations.models import Bundle, Step
from tests.factories import HA_NOI, NGHE_AN, WARD_A, WARD_B, UserFactory, valid_personal_id
from tests.registrations.helpers import birth_declaration, death_declaration
from tests.registrations.states import Cast, _send, agency_result, build

pytestmark = pytest.mark.usefixtures("divisions")


def at(day: int, hour: int, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VIETNAM)


def finish(bundle: Bundle, cast: Cast) -> None:
    """Accept, register, receive the personal ID number, sign and let every agency answer, now."""
    services.bundle_accept(bundle=bundle, actor=cast.clerk)
    services.bundle_register(bundle=bundle, actor=cast.clerk)
    child = bundle.people.get(role="child")
    pid = Step.objects.get(bundle=bundle, procedure="personal_id")
    _send(pid)
    services.step_record_result(
        step=pid, result={"personal_id": valid_personal_id(date_of_birth=child.date_of_birth, sex=child.sex)}
    )
    services.bundle_sign(bundle=bundle, actor=cast.leader)
    for step in Step.objects.filter(bundle=bundle).exclude(state="done"):
        _send(step)
        services.step_record_result(step=step, result=agency_result(step.procedure))


@pytest.fixture
def data_set(db):
    """A–E as described in each line; 22/09/2026 (a Tuesday) is declared a holiday."""
    CalendarOverride.objects.create(date=date(2026, 9, 22), kind="day_off", reason="Nghỉ bù (thử nghiệm)")
    cast_a, cast_b = Cast(), Cast()
    cast_b.clerk.ward_id = cast_b.leader.ward_id = WARD_B
    cast_b.clerk.save()
    cast_b.leader.save()
    bundles = {}
    # A: ward A, submitted Mon 14/09 10:00, completed Wed 16/09 → 2 working days, on time.
    with time_machine.travel(at(14, 10), tick=False):
        bundles["A"] = build("submitted", cast_a, birth_declaration(child_born=date(2026, 9, 4)))
    with time_machine.travel(at(16, 11), tick=False):
        finish(bundles["A"], cast_a)
    # B: ward A, submitted Fri 18/09 16:00 (after 15:00: counts from Mon 21/09), completed Thu 24/09 →
    # 23 and 24 only (22 is the holiday) = 2 working days, on time.
    with time_machine.travel(at(18, 16), tick=False):
        bundles["B"] = build("submitted", cast_a, birth_declaration(child_born=date(2026, 9, 10)))
    with time_machine.travel(at(24, 9), tick=False):
        finish(bundles["B"], cast_a)
    # C: ward B, child born 70 days earlier (late registration), submitted Mon 14/09 09:00, completed
    # Mon 21/09 → 15, 16, 17, 18, 21 = 5 working days, late.
    with time_machine.travel(at(14, 9), tick=False):
        bundles["C"] = build("submitted", cast_b, birth_declaration(ward=WARD_B, child_born=date(2026, 7, 6)))
    with time_machine.travel(at(21, 10), tick=False):
        finish(bundles["C"], cast_b)
    # D: a death in ward A, submitted Tue 15/09, still in review.
    with time_machine.travel(at(15, 9), tick=False):
        bundles["D"] = build("in_review", cast_a, death_declaration(died=date(2026, 9, 13)))
    # E: ward A, registered Tue 15/09; its personal-ID step went dead on Wed 16/09.
    with time_machine.travel(at(15, 10), tick=False):
        bundles["E"] = build("registered", cast_a, birth_declaration(child_born=date(2026, 9, 1)))
    with time_machine.travel(at(16, 8), tick=False):
        pid = Step.objects.get(bundle=bundles["E"], procedure="personal_id")
        _send(pid)
        pid.refresh_from_db()
        services.step_mark_dead(step_id=pid.pk, attempt=pid.attempts, error="Không kết nối được")
    provinces_refresh()  # what the periodic job does
    return bundles


WHOLE_RANGE = Filters(start=date(2026, 9, 14), end=date(2026, 9, 25), province=NGHE_AN)
NOW = at(30, 9)


def test_volumes_on_time_rates_and_processing_time_match_the_hand_count(data_set):
    flows = selectors.flows(WHOLE_RANGE)
    totals = flows["totals"]
    assert (totals["received"], totals["registered"], totals["completed"], totals["on_time"]) == (5, 4, 3, 2)
    assert totals["on_time_rate"] == pytest.approx(2 / 3)
    assert totals["processing"][:6] == [0, 0, 2, 0, 0, 1]
    assert (totals["median_days"], totals["p90_days"]) == (2, 5)
    assert totals["late_share"] == pytest.approx(1 / 4)
    assert flows["by_group"]["birth"]["received"] == 4 and flows["by_group"]["death"]["received"] == 1
    assert flows["by_group"]["birth"]["completed"] == 3 and flows["by_group"]["death"]["completed"] == 0
    procedures = {
        (r["group"], r["procedure"]): (r["received"], r["completed"]) for r in flows["by_procedure"]
    }
    assert procedures[("birth", "health_insurance")] == (4, 3)
    assert procedures[("death", "funeral_allowance")] == (1, 0)
    trend = {p["day"]: (p["received"], p["completed"]) for p in flows["trend"]}
    assert trend[date(2026, 9, 14)] == (2, 0) and trend[date(2026, 9, 15)] == (2, 0)
    assert trend[date(2026, 9, 16)] == (0, 1) and trend[date(2026, 9, 18)] == (1, 0)
    assert trend[date(2026, 9, 21)] == (0, 1) and trend[date(2026, 9, 24)] == (0, 1)
    assert len(flows["trend"]) == 12


def test_a_ward_filter_reads_the_ward_rows_and_agrees_with_the_province_totals(data_set):
    ward_a = selectors.flows(
        Filters(start=date(2026, 9, 14), end=date(2026, 9, 25), province=NGHE_AN, ward=WARD_A)
    )
    ward_b = selectors.flows(
        Filters(start=date(2026, 9, 14), end=date(2026, 9, 25), province=NGHE_AN, ward=WARD_B)
    )
    assert (ward_a["totals"]["received"], ward_b["totals"]["received"]) == (4, 1)
    assert ward_a["totals"]["completed"] + ward_b["totals"]["completed"] == 3


def test_a_narrower_range_counts_only_its_days(data_set):
    flows = selectors.flows(Filters(start=date(2026, 9, 21), end=date(2026, 9, 25), province=NGHE_AN))
    assert (flows["totals"]["received"], flows["totals"]["completed"]) == (0, 2)
    assert flows["totals"]["on_time_rate"] == pytest.approx(1 / 2)


def test_agency_sync_health_counts_done_failed_and_latency(data_set):
    rows = {(r["agency"], r["procedure"]): r for r in selectors.flows(WHOLE_RANGE)["agencies"]}
    police = rows[("police", "personal_id")]
    assert (police["done"], police["failed"], police["retries"]) == (3, 1, 0)
    assert police["success_rate"] == pytest.approx(3 / 4)
    assert police["p50_seconds"] == 2  # answered within the same second in this data set
    assert rows[("social_insurance", "health_insurance")]["done"] == 3
    assert ("civil_status", "birth_registration") not in rows  # the clerk's own step is not agency sync


def test_open_work_backlog_and_overdue(data_set):
    with time_machine.travel(NOW, tick=False):
        waiting = selectors.waiting(WHOLE_RANGE, now=NOW)
    assert waiting["backlog"]["in_review"] == 1 and waiting["backlog"]["registered"] == 1
    assert waiting["backlog_total"] == 2 and waiting["overdue"] == 2 and waiting["dead"] == 1
    assert waiting["steps_by_agency"] == [
        {"agency": "police", "procedure": "personal_id", "accepted": 0, "dead": 1, "rejected": 0}
    ]


def test_the_ward_ranking_orders_by_the_chosen_figure(data_set):
    ranking = selectors.ward_ranking(WHOLE_RANGE, now=NOW, order="on_time_rate")
    assert [r["ward"] for r in ranking[:2]] == [WARD_A, WARD_B]
    first, second = ranking[0], ranking[1]
    assert (first["received"], first["completed"], first["on_time_rate"], first["median_days"]) == (
        4,
        2,
        1.0,
        2,
    )
    assert (second["received"], second["completed"], second["on_time_rate"], second["late_share"]) == (
        1,
        1,
        0.0,
        1.0,
    )
    assert len(ranking) == 130  # every ward of Nghệ An is listed, those without data last
    by_days = selectors.ward_ranking(WHOLE_RANGE, now=NOW, order="median_days")
    assert by_days[0]["ward"] == WARD_A


def test_staff_of_another_province_see_none_of_it_in_the_page_the_csv_or_the_api(data_set, client):
    outsider = UserFactory(province_staff=True, province_id=HA_NOI)
    insider = UserFactory(province_staff=True)
    params = {"ky": "tuy-chon", "tu": "2026-09-14", "den": "2026-09-25"}
    client.force_login(outsider)
    api = client.get(reverse("api:dashboard"), {**params, "tinh": NGHE_AN}).json()
    assert api["filters"]["province"] == HA_NOI and api["totals"]["received"] == 0
    assert all(w["received"] == 0 for w in api["wards"])
    csv_text = client.get(reverse("dashboard:export"), params).content.decode()
    assert "Trường Vinh" not in csv_text and "Hoàn Kiếm" in csv_text
    page = client.get(reverse("dashboard:index"), params).content.decode()
    assert "Trường Vinh" not in page
    refused = client.get(reverse("api:dashboard"), {**params, "xa": WARD_A})
    assert refused.status_code == 400 and "xa" in refused.json()["errors"]
    client.force_login(insider)
    api = client.get(reverse("api:dashboard"), params).json()
    assert api["totals"]["received"] == 5
    csv_rows = list(csv.reader(client.get(reverse("dashboard:export"), params).content.decode().splitlines()))
    assert csv_rows[1][:6] == ["1", str(WARD_A), "Phường Trường Vinh", "Nghệ An", "4", "2"]


def test_only_provincial_staff_and_administrators_open_the_dashboard(db, client):
    for user, expected in (
        (UserFactory(citizen=True), 403),
        (UserFactory(clerk=True), 403),
        (UserFactory(province_staff=True), 200),
        (UserFactory(admin=True), 200),
    ):
        client.force_login(user)
        assert client.get(reverse("dashboard:index")).status_code == expected, user.role
        assert client.get(reverse("api:dashboard")).status_code == expected, user.role
    client.logout()
    assert client.get(reverse("dashboard:index")).status_code == 302
    assert client.get(reverse("api:dashboard")).status_code == 401


def test_no_personal_data_reaches_the_figures(data_set, client):
    client.force_login(UserFactory(province_staff=True))
    params = {"ky": "tuy-chon", "tu": "2026-09-14", "den": "2026-09-25"}
    bodies = [
        client.get(reverse("api:dashboard"), params).content.decode(),
        client.get(reverse("dashboard:export"), params).content.decode(),
        client.get(reverse("dashboard:index"), params).content.decode(),
    ]
    for bundle in data_set.values():
        for person in bundle.people.all():
            for body in bodies:
                assert person.full_name not in body
                assert not person.id_number or person.id_number not in body
        for body in bodies:
            assert bundle.code not in body


def test_the_share_backed_by_electronic_certificates_and_the_silent_facilities(db):
    """Ward A on Mon 05/10: F backed by the hospital's verified certificate, G by a scan only. The
    hospital also sent a death notice; the clinic of ward B has sent nothing."""
    from datetime import timedelta

    from registrations.facilities.intake import certificate_receive, facility_register
    from registrations.facilities.serializers import BirthCertificateSerializer, DeathNoticeSerializer

    cast = Cast()
    declaration_f = birth_declaration(child_born=date(2026, 10, 1))
    with time_machine.travel(at(5, 9, month=10), tick=False):
        hospital = facility_register(code="BV-1", name="Bệnh viện Sản Nhi Nghệ An", ward_id=WARD_A)[0]
        facility_register(code="PK-2", name="Phòng khám Thành Vinh", ward_id=WARD_B)
        mother = declaration_f["mother"]
        birth = BirthCertificateSerializer(
            data={
                "certificate_number": declaration_f["birth"]["medical_birth_certificate_number"],
                "facility": "BV-1",
                "mother": {k: mother[k] for k in ("full_name", "date_of_birth", "id_number")},
                "child": {"sex": "male", "date_of_birth": "2026-10-01"},
                "weight_grams": 3000,
                "children_born": 1,
            }
        )
        birth.is_valid(raise_exception=True)
        certificate_receive(facility=hospital, kind="birth", data=birth.validated_data)
        notice = DeathNoticeSerializer(
            data={
                "notice_number": "GBT-DB-1",
                "facility": "BV-1",
                "deceased": {"full_name": "Trần Văn Hùng"},
                "date_of_death": "2026-10-04",
                "place_of_death": "Bệnh viện",
                "cause_of_death": "Suy tim",
            }
        )
        notice.is_valid(raise_exception=True)
        certificate_receive(facility=hospital, kind="death", data=notice.validated_data)
    with time_machine.travel(at(5, 10, month=10), tick=False):
        f = build("submitted", cast, declaration_f)
        build("submitted", cast, birth_declaration(child_born=date(2026, 10, 2)))
        services.bundle_accept(bundle=f, actor=cast.clerk)
        services.bundle_register(bundle=f, actor=cast.clerk)
    provinces_refresh()
    day = Filters(start=date(2026, 10, 5), end=date(2026, 10, 5), province=NGHE_AN)
    assert selectors.flows(day)["totals"]["e_certificate_share"] == pytest.approx(1 / 2)
    ranking = {row["ward"]: row for row in selectors.ward_ranking(day, now=at(5, 12, month=10))}
    assert ranking[WARD_A]["e_certificate_share"] == pytest.approx(1 / 2)
    assert ranking[WARD_B]["e_certificate_share"] is None

    figures = selectors.facilities(day, now=at(5, 12, month=10))
    rows = {row["code"]: row for row in figures["facilities"]}
    assert (rows["BV-1"]["birth"], rows["BV-1"]["death"], rows["BV-1"]["backing_registrations"]) == (1, 1, 1)
    assert figures["silent"] == ["PK-2"]
    a_week_later = selectors.facilities(day, now=at(5, 12, month=10) + timedelta(days=8))
    assert a_week_later["silent"] == ["BV-1", "PK-2"]


def test_the_csv_names_its_columns_in_words_writes_figures_as_the_page_does_and_sorts_wards(data_set, client):
    client.force_login(UserFactory(province_staff=True, province_id=NGHE_AN))
    params = {"ky": "tuy-chon", "tu": "14/09/2026", "den": "25/09/2026"}
    rows = list(
        csv.reader(client.get(reverse("dashboard:export"), params).content.decode("utf-8-sig").splitlines())
    )
    assert rows[0] == ["Hạng", "Mã xã, phường", "Xã, phường", "Tỉnh, thành phố", "Tiếp nhận", "Hoàn thành",
                       "Đúng hạn", "Trung vị (ngày)", "Đăng ký muộn", "Giấy điện tử", "Quá hạn"]  # fmt: skip
    first = rows[1]
    assert first[1:3] == [str(WARD_A), "Phường Trường Vinh"]
    assert first[6:8] == ["100,0 %", "2"]
    page = client.get(reverse("dashboard:index"), params).content.decode()
    assert "100,0 %" in page
    without_data = [row[2] for row in rows[3:]]
    assert without_data == sorted(without_data, key=vietnamese_key)
    # d < đ < e in the listing itself, not only under the key.
    communes = [name.removeprefix("Xã ") for name in without_data if name.startswith("Xã ")]
    initials = [name[0] for name in communes if name[0] in "DĐE"]
    assert set(initials) >= {"D", "Đ"}
    assert initials == sorted(initials, key="DĐE".index)
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, len(rows))]
