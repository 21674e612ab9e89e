"""Results and history read in words on the clerk's case page and the family's status page: no
Python dicts, no None/True/False, no event codes, whatever the kind of result."""

import html
import re

import pytest

from tests.registrations.helpers import birth_declaration, death_declaration
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")
DEVELOPER_OUTPUT = re.compile(r"[{}]|':|\bNone\b|\bTrue\b|\bFalse\b|\b(bundle|step)\.[a-z_]+")


def visible_text(page: str) -> str:
    body = page.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def cast(db, settings, tmp_path):
    return Cast()


@pytest.mark.parametrize(
    "declaration",
    [
        lambda: birth_declaration(procedures=("permanent_residence", "health_insurance", "child_id_card")),
        lambda: death_declaration(procedures=("residence_removal", "funeral_allowance"), survivor=True),
    ],
    ids=["birth, every result", "death, allowance and survivor benefit"],
)
def test_every_result_and_event_reads_in_words(cast, client, declaration):
    bundle = build("completed", cast, declaration())
    client.force_login(cast.clerk)
    case = visible_text(client.get(f"/can-bo/ho-so/{bundle.public_id}/").content.decode())
    client.force_login(cast.citizen)
    status = visible_text(client.get(f"/ho-so-cua-toi/{bundle.public_id}/").content.decode())
    for name, text in (("case page", case), ("status page", status)):
        found = DEVELOPER_OUTPUT.findall(text)
        assert not DEVELOPER_OUTPUT.search(text), (name, found, text[:3000])
    assert "tiếp nhận hồ sơ" in case and "đăng ký vào sổ hộ tịch" in case
    assert "Số quyết định" in case or "Số thẻ" in case


def test_a_refused_action_is_explained_in_words_not_codes(cast, client):
    """Found on the case page: "Không thể thực hiện 'accept' khi hồ sơ ở trạng thái 'registered'"."""
    bundle = build("registered", cast)
    client.force_login(cast.clerk)
    page = client.post(f"/can-bo/ho-so/{bundle.public_id}/accept/", {"confirm": "1"}, follow=True)
    text = visible_text(page.content.decode())
    assert "Không thể tiếp nhận khi hồ sơ ở trạng thái “đã đăng ký”." in text
    assert "'accept'" not in text and "registered" not in text


@pytest.mark.parametrize(
    "state, waiting_for",
    [
        ("submitted", "Chờ cán bộ UBND xã, phường tiếp nhận hồ sơ."),
        ("in_review", "Chờ cán bộ UBND kiểm tra và đăng ký hồ sơ."),
        ("awaiting_citizen", "Chờ công dân gửi bổ sung hồ sơ."),
        ("registered", "Chờ công an cấp số định danh cá nhân cho trẻ"),
        ("signed", "Chờ cơ quan trả kết quả: "),
    ],
)
def test_the_case_page_says_whom_the_bundle_waits_for(cast, client, state, waiting_for):
    bundle = build(state, cast)
    client.force_login(cast.clerk)
    text = visible_text(client.get(f"/can-bo/ho-so/{bundle.public_id}/").content.decode())
    assert waiting_for in text, text[:1500]


def test_a_correction_to_decide_reads_as_what_changes_from_what(cast, client):
    from registrations import services

    bundle = build("completed", cast)
    changes = {"child": {"full_name": "Nguyễn Minh Khang"}}
    services.correction_request(bundle=bundle, actor=cast.citizen, changes=changes, reason="Sai tên")
    client.force_login(cast.clerk)
    text = visible_text(client.get(f"/can-bo/ho-so/{bundle.public_id}/").content.decode())
    assert not DEVELOPER_OUTPUT.search(text), DEVELOPER_OUTPUT.findall(text)
    assert "Trẻ được khai sinh — Họ, chữ đệm, tên" in text and "Nguyễn Minh Khang" in text
