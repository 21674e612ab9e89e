import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.models import Bundle, Step
from tests.factories import WARD_B, UserFactory
from tests.registrations.helpers import Api, birth_declaration, death_declaration
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def cast(db):
    return Cast()


def act(client, bundle, action, **data):
    return client.post(
        reverse("web:case-action", args=[bundle.public_id, action]), {"confirm": "1", **data}, follow=True
    )


def test_the_clerk_accepts_and_registers_from_the_case_page(cast, client):
    bundle = build("submitted", cast)
    client.force_login(cast.clerk)
    page = client.get(reverse("web:case", args=[bundle.public_id])).content.decode()
    assert "Nguyễn Minh Khôi" in page and "Tiếp nhận" in page and "Liên thông với các cơ quan" in page
    refused = client.post(reverse("web:case-action", args=[bundle.public_id, "accept"]), follow=True)
    assert "xác nhận" in refused.content.decode()
    assert Bundle.objects.get(pk=bundle.pk).state == "submitted"
    act(client, bundle, "accept")
    registered = act(client, bundle, "register").content.decode()
    assert "Đã đăng ký: số 1, quyển số 01/" in registered
    assert Bundle.objects.get(pk=bundle.pk).state == "registered"


def test_a_supplement_request_from_the_screen_reaches_the_citizens_status(cast, client):
    bundle = build("in_review", cast)
    client.force_login(cast.clerk)
    act(
        client,
        bundle,
        "request_supplement",
        fields=["child.full_name"],
        attachments=["medical_birth_certificate"],
        reason="Tên chưa khớp giấy chứng sinh",
    )
    bundle.refresh_from_db()
    assert bundle.state == "awaiting_citizen"
    status = Api(cast.citizen).get(bundle.public_id).json()
    assert status["state"] == "awaiting_citizen"
    assert {"field": "child.full_name", "reason": "Tên chưa khớp giấy chứng sinh"} in status[
        "supplement_request"
    ]["items"]


def test_rejecting_needs_a_reason(cast, client):
    bundle = build("submitted", cast)
    client.force_login(cast.clerk)
    assert "ghi lý do" in act(client, bundle, "reject").content.decode()
    assert Bundle.objects.get(pk=bundle.pk).state == "submitted"
    act(client, bundle, "reject", reason="Sai nơi đăng ký")
    assert Bundle.objects.get(pk=bundle.pk).closed_reason == "Sai nơi đăng ký"


def test_the_sync_panel_shows_a_dead_step_and_replays_it(cast, client):
    bundle = build("registered", cast)
    step = Step.objects.get(bundle=bundle, procedure="personal_id")
    Step.objects.filter(pk=step.pk).update(state="dead", reason="HTTP 500", attempts=8)
    client.force_login(cast.clerk)
    page = client.get(reverse("web:case", args=[bundle.public_id])).content.decode()
    assert "Gửi thất bại" in page and "HTTP 500" in page and "Gửi lại" in page
    act(client, bundle, "replay", procedure="personal_id")
    step.refresh_from_db()
    assert step.state == "pending" and step.attempts == 0


def test_another_wards_bundle_url_answers_404(cast, client):
    bundle = build("submitted", cast)
    client.force_login(UserFactory(clerk=True, ward_id=WARD_B))
    assert client.get(reverse("web:case", args=[bundle.public_id])).status_code == 404
    assert act(client, bundle, "accept").status_code == 404
    assert Bundle.objects.get(pk=bundle.pk).state == "submitted"


def test_search_finds_a_name_typed_without_accents(cast, client):
    declaration = death_declaration()
    declaration["deceased"]["full_name"] = "Đặng Văn Ổn"
    bundle = build("submitted", cast, declaration)
    client.force_login(cast.clerk)
    for text in ("dang van on", "Đặng Văn Ổn", "DANG VAN"):
        page = client.post(reverse("web:search"), {"q": text}).content.decode()
        assert bundle.code in page, text
    by_code = client.post(reverse("web:search"), {"q": bundle.code}).content.decode()
    assert bundle.code in by_code
    number = bundle.people.get(role="deceased").id_number
    assert bundle.code in client.post(reverse("web:search"), {"q": number}).content.decode()
    client.force_login(UserFactory(clerk=True, ward_id=WARD_B))
    assert bundle.code not in client.post(reverse("web:search"), {"q": "dang van on"}).content.decode()


def test_the_queue_filters_counts_and_marks_overdue_rows(cast, client):
    from datetime import timedelta

    from django.utils import timezone

    late = build("submitted", cast, birth_declaration())
    Bundle.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    build("in_review", cast)
    client.force_login(cast.clerk)
    page = client.get(reverse("web:queue"))
    assert page.status_code == 200
    counts = {name: count for name, _, count in page.context["filters"]}
    assert (
        counts["all"] == 2
        and counts["overdue"] == 1
        and counts["submitted"] == 1
        and counts["in_review"] == 1
    )
    body = page.content.decode()
    assert "Quá hạn" in body and body.index(late.code) < body.index("Trang 1/1")
    overdue_only = client.get(reverse("web:queue"), {"loc": "overdue"})
    assert [b.code for b in overdue_only.context["page"].object_list] == [late.code]


def test_the_queue_page_uses_a_bounded_number_of_queries(cast, client):
    for _ in range(3):
        build("submitted", cast)
    client.force_login(cast.clerk)
    client.get(reverse("web:queue"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("web:queue"))
    for _ in range(6):
        build("submitted", cast)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("web:queue"))
    assert len(more.captured_queries) == len(few.captured_queries) <= 8
