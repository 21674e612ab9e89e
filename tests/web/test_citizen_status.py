from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.registrations.states import Cast, _send, build

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def cast(db):
    return Cast()


def test_a_citizen_follows_each_step_of_their_bundle(cast, client):
    bundle = build("registered", cast)
    client.force_login(cast.citizen)
    listing = client.get(reverse("web:my-bundles")).content.decode()
    assert bundle.code in listing and "Đã đăng ký" in listing
    page = client.get(reverse("web:status", args=[bundle.public_id])).content.decode()
    for expected in (
        "Cấp số định danh cá nhân",
        "Công an",
        "Đang chờ gửi sang cơ quan.",
        "Chờ công an cấp số định danh cá nhân cho trẻ, rồi lãnh đạo UBND ký trích lục.",
        'data-refresh-url="/ho-so-cua-toi/',
    ):
        assert expected in page, expected
    fragment = client.get(reverse("web:status-fragment", args=[bundle.public_id])).content.decode()
    assert "<html" not in fragment and "Cấp số định danh cá nhân" in fragment


def test_a_supplement_request_from_the_clerks_screen_reaches_the_citizens_status_page(cast, client):
    bundle = build("in_review", cast)
    client.force_login(cast.clerk)
    client.post(
        reverse("web:case-action", args=[bundle.public_id, "request_supplement"]),
        {"confirm": "1", "fields": ["mother.residence_address"], "reason": "Ghi rõ số nhà, tên đường"},
    )
    client.force_login(cast.citizen)
    page = client.get(reverse("web:status", args=[bundle.public_id])).content.decode()
    assert (
        "Cần Anh/Chị bổ sung" in page
        and "Ghi rõ số nhà, tên đường" in page
        and "Chờ công dân bổ sung" in page
    )


def test_nobody_else_sees_the_status_page(cast, client):
    bundle = build("submitted", cast)
    for outsider in (UserFactory(citizen=True), cast.clerk):
        client.force_login(outsider)
        assert client.get(reverse("web:status", args=[bundle.public_id])).status_code == 404
    client.logout()
    assert client.get(reverse("web:status", args=[bundle.public_id])).status_code == 302


def test_results_are_shown_in_words(db):
    from portal.web.labels import result_rows

    rows = dict(
        result_rows(
            {
                "card_number": "0123456789",
                "valid_to": "2032-11-19",
                "amount_vnd": 23400000,
                "survivor_benefit": {"form": "monthly"},
            }
        )
    )
    assert rows == {
        "Số thẻ": "0123456789",
        "Có giá trị đến": "19/11/2032",
        "Số tiền": "23.400.000 đồng",
        "Trợ cấp tuất — Hình thức": "Hằng tháng",
    }


def test_a_done_steps_result_is_on_the_status_page(cast, client):
    from registrations import services
    from registrations.models import Step
    from tests.factories import valid_personal_id

    bundle = build("registered", cast)
    child = bundle.people.get(role="child")
    number = valid_personal_id(date_of_birth=child.date_of_birth, sex=child.sex)
    step = Step.objects.get(bundle=bundle, procedure="personal_id")
    _send(step)  # the police answer the request the relay sent
    services.step_record_result(step=step, result={"personal_id": number})
    client.force_login(cast.citizen)
    page = client.get(reverse("web:status", args=[bundle.public_id])).content.decode()
    assert f"<dt>Số định danh cá nhân</dt><dd>{number}</dd>" in page
    timeline = page[page.index("Diễn biến hồ sơ") :]
    order = [
        "Anh/Chị đã nộp hồ sơ",
        "UBND xã, phường tiếp nhận hồ sơ",
        "Đã đăng ký vào sổ hộ tịch",
        "Cấp số định danh cá nhân: đã có kết quả",
    ]
    assert [timeline.index(text) for text in order] == sorted(timeline.index(text) for text in order)


@pytest.mark.parametrize(
    ("state", "waiting_for"),
    [
        ("submitted", "Chờ cán bộ UBND xã, phường tiếp nhận hồ sơ."),
        ("in_review", "Chờ cán bộ UBND kiểm tra và đăng ký hồ sơ."),
        ("awaiting_citizen", "Chờ Anh/Chị gửi bổ sung hồ sơ."),
    ],
)
def test_a_waiting_step_says_who_the_bundle_waits_for(cast, client, state, waiting_for):
    """Found walking the status page: "Chờ bước trước hoàn thành" while the bundle really waited for
    the clerk or the leader."""
    bundle = build(state, cast)
    client.force_login(cast.citizen)
    page = client.get(reverse("web:status", args=[bundle.public_id])).content.decode()
    assert waiting_for in page
    assert "Chờ bước trước hoàn thành." not in page
    assert 'class="card step-waiting' in page


def test_the_open_status_page_is_answered_304_until_something_changes(
    cast, client, django_assert_max_num_queries
):
    from registrations import services
    from registrations.models import Step
    from tests.factories import valid_personal_id

    bundle = build("registered", cast)
    client.force_login(cast.citizen)
    page = client.get(reverse("web:status", args=[bundle.public_id])).content.decode()
    version = page.split('data-version="', 1)[1].split('"', 1)[0]
    fragment = reverse("web:status-fragment", args=[bundle.public_id])
    first = client.get(fragment)
    assert first.status_code == 200 and first["ETag"] == f'"{version}"'
    assert "private" in first["Cache-Control"]
    # Idle: the version alone answers (the session, the user, the version, the extract), no page.
    with django_assert_max_num_queries(4):
        idle = client.get(fragment, headers={"if-none-match": first["ETag"]})
    assert idle.status_code == 304 and idle.content == b""
    # The relay claims the step: the page shows "sending" at the next poll.
    step = Step.objects.get(bundle=bundle, procedure="personal_id")
    _send(step)
    moved = client.get(fragment, headers={"if-none-match": first["ETag"]})
    assert moved.status_code == 200 and moved["ETag"] != first["ETag"]
    assert "Đang gửi sang cơ quan." in moved.content.decode()
    child = bundle.people.get(role="child")
    services.step_record_result(
        step=step, result={"personal_id": valid_personal_id(date_of_birth=child.date_of_birth, sex=child.sex)}
    )
    done = client.get(fragment, headers={"if-none-match": moved["ETag"]})
    assert done.status_code == 200 and "Đã có kết quả." in done.content.decode()
    assert client.get(fragment, headers={"if-none-match": done["ETag"]}).status_code == 304


def test_a_deadline_passing_changes_the_status_pages_version(cast, client):
    import time_machine

    bundle = build("registered", cast)
    client.force_login(cast.citizen)
    fragment = reverse("web:status-fragment", args=[bundle.public_id])
    etag = client.get(fragment)["ETag"]
    deadline = bundle.steps.get(procedure="personal_id").deadline
    with time_machine.travel(deadline + timedelta(minutes=1)):
        late = client.get(fragment, headers={"if-none-match": etag})
    assert late.status_code == 200 and "Quá hạn" in late.content.decode()


def test_nobody_else_learns_anything_from_the_version(cast, client):
    bundle = build("registered", cast)
    client.force_login(cast.citizen)
    fragment = reverse("web:status-fragment", args=[bundle.public_id])
    etag = client.get(fragment)["ETag"]
    for outsider in (UserFactory(citizen=True), cast.clerk):
        client.force_login(outsider)
        assert client.get(fragment, headers={"if-none-match": etag}).status_code == 404
        assert client.get(fragment).status_code == 404


def test_the_status_page_asks_at_least_every_two_seconds_with_its_version():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "static" / "js" / "status.js").read_text()
    interval = int(script.split("setInterval(refresh,", 1)[1].split(")", 1)[0])
    assert interval <= 2000
    assert '"If-None-Match": version' in script and 'cache: "no-store"' in script
