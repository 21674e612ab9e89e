"""The table that turns a change of a bundle or a step into the national portal's status code and the
words of its progress record (``status_map.json``, replaceable by configuration)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

DEFAULT_MAP = Path(__file__).with_name("status_map.json")
STATUS_CODES = range(1, 11)
# TrangThaiHoSo, as public integrations with the national portal name them.
STATUS_NAMES = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}


@dataclass(frozen=True)
class Reported:
    status: int
    text: str


class _Blank(dict):
    def __missing__(self, key: str) -> str:  # a detail the change does not have reads as nothing
        return ""


@cache
def _table(path: str) -> dict:
    table = json.loads(Path(path).read_text(encoding="utf-8"))
    for row in [*table["bundle"], *table["step"]]:
        for message in row["messages"]:
            if message["status"] not in STATUS_CODES:
                raise ValueError(f"{path}: status {message['status']} is not a TrangThaiHoSo code (1-10)")
    return table


def table() -> dict:
    return _table(str(settings.NATIONAL_PORTAL["status_map"] or DEFAULT_MAP))


def _render(row: dict | None, details: dict) -> list[Reported]:
    if row is None:
        return []
    words = _Blank({k: v for k, v in details.items() if v not in (None, "")})
    return [
        Reported(m["status"], " ".join(m["text"].format_map(words).replace(": .", ".").split()).rstrip(": "))
        for m in row["messages"]
    ]


def for_bundle(*, source: str, target: str, details: dict) -> list[Reported]:
    """What a bundle's transition reports: none, one or (on completion) two messages."""
    row = next(
        (r for r in table()["bundle"] if r["to"] == target and r["from"] in ("*", source)),
        None,
    )
    return _render(row, details)


def for_step(*, state: str, details: dict) -> list[Reported]:
    row = next((r for r in table()["step"] if r["state"] == state), None)
    return _render(row, details)
