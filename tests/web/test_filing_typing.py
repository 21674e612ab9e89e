"""How the filing pages read what people type and what they leave out: dates day first and times on
the 24-hour clock whatever the browser, and a required field left empty said on its own page."""

import pytest
from django.urls import reverse

from registrations.models import Bundle
from tests.registrations.states import Cast
from tests.web.test_filing import start

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def citizen_client(db, client):
    client.force_login(Cast().citizen)
    return client


def _page(bundle: Bundle, slug: str) -> str:
    return reverse("web:filing-page", args=[bundle.public_id, slug])


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("22/11/2026", "2026-11-22"),
        ("2/3/2026", "2026-03-02"),
        ("22-11-2026", "2026-11-22"),
        ("22.11.2026", "2026-11-22"),
        ("2026-11-22", "2026-11-22"),
    ],  # fmt: skip
)
def test_a_date_is_read_day_first_and_shown_back_day_first(citizen_client, typed, stored):
    bundle = start(citizen_client, "khai-sinh", ["health_insurance"])
    typing = {
        "child.full_name": "Nguyễn Minh Khôi",
        "child.date_of_birth": typed,
        "birth.time_of_birth": "14h30",
    }
    citizen_client.post(_page(bundle, "tre"), {**typing, "go": "later"})
    child = bundle.people.get(role="child")
    assert child.date_of_birth.isoformat() == stored
    page = citizen_client.get(_page(bundle, "tre")).content.decode()
    shown = f"{child.date_of_birth:%d/%m/%Y}"
    field_at = page.index('id="f-child-date-of-birth"')
    field = page[page.rindex("<input", 0, field_at) : page.index(">", field_at)]
    assert f'value="{shown}"' in field and 'type="text"' in field and 'inputmode="numeric"' in field
    assert 'value="14:30"' in page
    assert 'type="date"' not in page and 'type="time"' not in page


@pytest.mark.parametrize("typed", ["31/02/2026", "11/22/2026", "22/11/26", "hôm qua", "2026-13-01"])
def test_a_date_that_is_no_date_is_refused_at_its_field_and_the_rest_is_kept(citizen_client, typed):
    bundle = start(citizen_client, "khai-sinh", ["health_insurance"])
    response = citizen_client.post(
        _page(bundle, "tre"), {"child.full_name": "Nguyễn Minh Khôi", "child.date_of_birth": typed}
    )
    page = response.content.decode()
    assert response.status_code == 400
    error_at = page.index('id="f-child-date-of-birth-error"')
    assert "ghi ngày/tháng/năm, ví dụ 22/11/2026" in page[error_at : error_at + 300]
    assert f'value="{typed}"' in page  # as typed, to be corrected
    child = bundle.people.get(role="child")
    assert child.full_name == "Nguyễn Minh Khôi" and child.date_of_birth is None


@pytest.mark.parametrize("typed", ["25:00", "14:75", "chiều"])
def test_a_time_that_is_no_time_is_refused_at_its_field(citizen_client, typed):
    bundle = start(citizen_client, "khai-sinh", ["health_insurance"])
    page = citizen_client.post(_page(bundle, "tre"), {"birth.time_of_birth": typed}).content.decode()
    error_at = page.index('id="f-birth-time-of-birth-error"')
    assert "theo 24 giờ" in page[error_at : error_at + 300]


def test_going_on_with_a_required_field_empty_is_said_on_that_page_and_the_draft_is_saved(citizen_client):
    bundle = start(citizen_client, "khai-sinh", ["health_insurance"])
    response = citizen_client.post(_page(bundle, "me"), {"mother.full_name": "Nguyễn Thị Lan", "go": "next"})
    page = response.content.decode()
    assert response.status_code == 200  # nothing typed was wrong: the page says what is still missing
    assert "Còn mục bắt buộc chưa điền" in page and "Bản nháp đã được lưu" in page
    assert '<a href="#f-mother-date-of-birth">' in page and '<a href="#f-mother-full-name">' not in page
    error_at = page.index('id="f-mother-date-of-birth-error"')
    assert "Chưa điền" in page[error_at : error_at + 200]
    assert 'value="Nguyễn Thị Lan"' in page
    assert bundle.people.get(role="mother").full_name == "Nguyễn Thị Lan"
    later = citizen_client.post(_page(bundle, "me"), {"mother.full_name": "Nguyễn Thị Lan", "go": "later"})
    assert later.status_code == 302 and "/khai/" in later["Location"] and "/me/" not in later["Location"]
    back = citizen_client.post(_page(bundle, "me"), {"mother.full_name": "Nguyễn Thị Lan", "go": "back"})
    assert back.status_code == 302


def test_the_review_gathers_the_fields_left_empty_by_page_instead_of_repeating_one_message(citizen_client):
    bundle = start(citizen_client, "khai-sinh", ["health_insurance"])
    page = citizen_client.get(reverse("web:filing-review", args=[bundle.public_id])).content.decode()
    summary = page[
        page.index('class="error-summary"') : page.index("</div>", page.index('class="error-summary"'))
    ]
    items = summary.count("<li>")
    assert 3 <= items <= 12, summary
    assert summary.count("Chưa điền:") == summary.count("Chưa điền")  # once per page, not per field
    assert "Bắt buộc cho thủ tục" not in summary
    assert "Họ, chữ đệm, tên" in summary and "Ngày sinh" in summary


def test_an_incomplete_review_in_english_has_no_vietnamese_outside_names(citizen_client):
    """The messages of the rules themselves (what is missing, what is not allowed) follow the page."""
    import re

    from tests.language import vietnamese_words, visible_text

    bundle = start(citizen_client, "khai-sinh", ["health_insurance"])
    citizen_client.post(_page(bundle, "me"), {"mother.full_name": "Nguyễn Thị Lan", "go": "later"})
    page = citizen_client.get(
        reverse("web:filing-review", args=[bundle.public_id]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Required fields still empty" in page or "Not filled in" in page
    marked = re.sub(r'<(\w+)[^>]*\blang="vi"[^>]*>.*?</\1>', " ", page, flags=re.S)
    main = visible_text(marked.split("<main", 1)[1])
    assert vietnamese_words(main) == [], vietnamese_words(main)
