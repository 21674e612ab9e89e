"""The extract as the official form: every field the form has is printed, with the longest values the
declaration accepts every value is on the page (wrapped, never cut at the margin), and the text read
from the page box is the data."""

import re
import subprocess
from datetime import date

import pytest
from django.utils import timezone

from signing import render
from signing.extract import extract_content
from signing.words import date_in_words
from tests.conftest import require_tool
from tests.registrations.helpers import birth_declaration, death_declaration
from tests.registrations.states import build

pytestmark = pytest.mark.usefixtures("divisions")
PAGE_WIDTH, MARGIN = 595.28, 18 * 72 / 25.4
LONG_NAME = ("Nguyễn Thị Hoàng Phương Thảo Minh Khuê Ngọc Diệp Thanh Trúc Bảo Anh Mỹ Duyên Hồng Nhung "
             "Thu Trang Lệ")[:100]  # fmt: skip
LONG_PLACE = ("Số nhà 123, ngõ 45, ngách 67, hẻm 89, đường Nguyễn Thị Minh Khai kéo dài, khu đô thị mới "
              "phía tây, tổ dân phố số 12, khối Trung Hòa, gần chợ đầu mối nông sản và trường tiểu học "
              "Trần Quốc Toản, đối diện ủy ban, cạnh ngân hàng, sau nhà văn hóa khối, cuối con hẻm nhỏ có "
              "cây bàng lớn trước cổng")[:300]  # fmt: skip


def _longest_birth():
    data = birth_declaration()
    data["child"]["full_name"] = LONG_NAME
    data["mother"]["full_name"] = LONG_NAME
    data["father"]["full_name"] = LONG_NAME
    data["mother"]["residence_address"] = LONG_PLACE
    data["father"]["residence_address"] = LONG_PLACE
    data["birth"]["place_of_birth_facility"] = LONG_PLACE[:200]
    data["birth"]["hometown"] = LONG_PLACE[:200]
    data["residence"]["household_head_full_name"] = LONG_NAME
    return data


def _longest_death():
    data = death_declaration()
    data["deceased"]["full_name"] = LONG_NAME
    data["death"]["last_residence_address"] = LONG_PLACE
    data["death"]["place_of_death"] = LONG_PLACE
    data["death"]["cause_of_death"] = LONG_PLACE
    data["death"]["death_notice_issuer"] = LONG_PLACE[:200]
    return data


def _extract(cast, declaration):
    bundle = build("registered", cast, declaration)
    return extract_content(
        bundle=bundle, title="Trích lục", signer_name=cast.leader.full_name, signer_title="Phó Chủ tịch",
        signed_on=timezone.localdate(), token="t" * 32,
    )  # fmt: skip


def _page(content, tmp_path) -> tuple[str, list[float]]:
    """The text read from the page box, in drawing order, and the right edge of every word."""
    require_tool("pdftotext")
    document = tmp_path / "extract.pdf"
    document.write_bytes(render.render(content))
    crop = ["-x", "0", "-y", "0", "-W", "596", "-H", "842"]
    text = subprocess.run(
        ["pdftotext", "-raw", *crop, str(document), "-"], capture_output=True, text=True
    ).stdout
    boxes = subprocess.run(["pdftotext", "-bbox", str(document), "-"], capture_output=True, text=True).stdout
    return text, [float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes)]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("declaration", [_longest_birth, _longest_death], ids=["birth", "death"])
def test_the_longest_values_are_all_on_the_page_and_read_back_as_the_data(cast, tmp_path, declaration):
    content = _extract(cast, declaration())
    text, right_edges = _page(content, tmp_path)
    assert right_edges and max(right_edges) <= PAGE_WIDTH - MARGIN + 1, max(right_edges)
    page = _flat(text)
    for label, value in content.rows:
        assert _flat(value) in page, (label, value)
    assert LONG_NAME in page and LONG_PLACE in page


BIRTH_FIELDS = {
    "Họ, chữ đệm, tên": lambda b: b["child"]["full_name"],
    "Ngày, tháng, năm sinh": lambda b: f"{date.fromisoformat(b['child']['date_of_birth']):%d/%m/%Y}",
    "Ghi bằng chữ": lambda b: date_in_words(date.fromisoformat(b["child"]["date_of_birth"])),
    "Giới tính": lambda b: "Nam",
    "Dân tộc": lambda b: "Kinh",
    "Quốc tịch": lambda b: "Việt Nam",
    "Nơi sinh": lambda b: f"{b['birth']['place_of_birth_facility']}, phường Trường Vinh, tỉnh Nghệ An",
    "Quê quán": lambda b: b["birth"]["hometown"],
    "Họ, chữ đệm, tên người mẹ": lambda b: b["mother"]["full_name"],
    "Năm sinh của mẹ": lambda b: b["mother"]["date_of_birth"][:4],
    "Dân tộc của mẹ": lambda b: "Kinh",
    "Quốc tịch của mẹ": lambda b: "Việt Nam",
    "Nơi cư trú của mẹ": lambda b: f"{b['mother']['residence_address']}, phường Trường Vinh, tỉnh Nghệ An",
    "Họ, chữ đệm, tên người cha": lambda b: b["father"]["full_name"],
    "Năm sinh của cha": lambda b: b["father"]["date_of_birth"][:4],
    "Quốc tịch của cha": lambda b: "Việt Nam",
    "Nơi cư trú của cha": lambda b: f"{b['father']['residence_address']}, phường Trường Vinh, tỉnh Nghệ An",
    "Nơi đăng ký": lambda b: "Ủy ban nhân dân phường Trường Vinh, tỉnh Nghệ An",
}


@pytest.mark.parametrize("label", list(BIRTH_FIELDS))
def test_each_field_of_the_birth_extract_is_printed(cast, tmp_path, label):
    declaration = birth_declaration()
    content = _extract(cast, declaration)
    text, _edges = _page(content, tmp_path)
    shown = dict(content.rows)
    assert shown[label] == BIRTH_FIELDS[label](declaration)
    assert _flat(f"{label}:") in _flat(text) and _flat(shown[label]) in _flat(text)


DEATH_FIELDS = {
    "Họ, chữ đệm, tên người chết": lambda d: d["deceased"]["full_name"],
    "Ngày, tháng, năm sinh": lambda d: "02/05/1945",
    "Giới tính": lambda d: "Nam",
    "Dân tộc": lambda d: "Kinh",
    "Quốc tịch": lambda d: "Việt Nam",
    "Số định danh cá nhân": lambda d: d["deceased"]["id_number"],
    "Nơi cư trú cuối cùng": lambda d: (
        f"{d['death']['last_residence_address']}, phường Trường Vinh, tỉnh Nghệ An"
    ),
    "Đã chết vào lúc": lambda d: (
        f"22 giờ 10 phút, ngày {date.fromisoformat(d['death']['date_of_death']):%d/%m/%Y}"
    ),
    "Nguyên nhân chết": lambda d: d["death"]["cause_of_death"],
    "Giấy báo tử": lambda d: (
        f"Số {d['death']['death_notice_number']} do {d['death']['death_notice_issuer']} cấp ngày "
        f"{date.fromisoformat(d['death']['death_notice_date']):%d/%m/%Y}"
    ),
    "Quan hệ với người chết": lambda d: "Con",
}


@pytest.mark.parametrize("label", list(DEATH_FIELDS))
def test_each_field_of_the_death_extract_is_printed(cast, tmp_path, label):
    declaration = death_declaration()
    content = _extract(cast, declaration)
    text, _edges = _page(content, tmp_path)
    shown = dict(content.rows)
    assert shown[label] == DEATH_FIELDS[label](declaration)
    assert _flat(shown[label]) in _flat(text)


def test_the_form_has_its_marker_its_signer_block_and_true_dates(cast, tmp_path):
    content = _extract(cast, birth_declaration())
    text, _edges = _page(content, tmp_path)
    for words in ("ỦY BAN NHÂN DÂN", "PHƯỜNG TRƯỜNG VINH", "tỉnh Nghệ An", "Bản chính", "NGƯỜI KÝ TRÍCH LỤC",
                  "(Đã ký số)", cast.leader.full_name, "Phó Chủ tịch"):  # fmt: skip
        assert words in text, words
    document = tmp_path / "extract.pdf"
    info = subprocess.run(["pdfinfo", str(document)], capture_output=True, text=True).stdout
    created = re.search(r"CreationDate:\s+(.+)", info).group(1)
    assert str(timezone.localdate().year) in created and "2000" not in created


def test_a_nationality_is_printed_as_declared_not_assumed():
    from types import SimpleNamespace

    from signing.extract import _nationality

    assert _nationality(SimpleNamespace(nationality="VN")) == "Việt Nam"
    assert _nationality(SimpleNamespace(nationality="LA")) == "Lào"
    assert _nationality(SimpleNamespace(nationality="FR")) == "FR"
