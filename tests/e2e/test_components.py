"""The component set's page: only under DEBUG, every piece drawn by the template the pages include,
fitting a phone and a desktop and passing axe."""

import pytest
from django.test import Client

from tests.e2e.conftest import serious_accessibility_violations
from tests.e2e.test_every_page import MEASURE
from tests.web.test_pages_in_words import DEVELOPER_OUTPUT

pytestmark = pytest.mark.django_db(transaction=True)
PATH = "/thanh-phan-giao-dien/"


def test_the_component_page_does_not_exist_outside_debug(db, divisions):
    assert Client().get(PATH).status_code == 404


def test_the_component_page_shows_every_piece_and_fits_a_phone_and_a_desktop(site, page, settings):
    settings.DEBUG = True
    page.goto(site.url + PATH)
    text = page.locator("main").inner_text()
    for piece in ("Nút bấm", "Lựa chọn, ngày và giờ", "Danh sách tóm tắt", "Thẻ trạng thái và kết quả"):
        assert piece in text, piece
    # One card per kind of result, each in words: number and book, the ID, the cards, the allowance.
    kinds = ("Số đăng ký", "Quyển số", "Số định danh cá nhân", "Số xác nhận", "Số thẻ", "Có giá trị đến",
             "Mã bưu gửi", "Ngày xoá đăng ký", "25.300.000 đồng", "Trợ cấp tuất — Người hưởng")  # fmt: skip
    for words in kinds:
        assert words in text, words
    assert not DEVELOPER_OUTPUT.search(text), DEVELOPER_OUTPUT.findall(text)
    assert page.locator("button.danger").count() == 1 and page.locator(".card.step-attention").count() == 2
    assert page.locator(".review-section a", has_text="Sửa").count() == 1
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        measured = page.evaluate(MEASURE)
        assert measured["overflow"] <= 0 and measured["clipped"] == [], (width, measured)
    assert serious_accessibility_violations(page) == []
