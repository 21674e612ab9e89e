"""What an extract says, apart from how it is drawn: the services assemble it without loading
reportlab or pyHanko, which only the drawing and the signature need."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

MM = 72 / 25.4  # points per millimetre
PAGE_WIDTH, PAGE_HEIGHT = 595.2755905511812, 841.8897637795277  # A4 in points
# Where the signature block is drawn and the signature field goes: (x1, y1, x2, y2) in points.
SIGNATURE_BOX = (int(PAGE_WIDTH - 98 * MM), int(28 * MM), int(PAGE_WIDTH - 18 * MM), int(70 * MM))


def nfc(value) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value))


def vn_date(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


@dataclass(frozen=True)
class ExtractContent:
    title: str
    ward_name: str
    province_name: str
    registration_number: int
    registration_book: str
    rows: list[tuple[str, str]]
    signed_on: date
    signer_name: str
    signer_title: str
    verify_url: str
    preview: bool = False
    notes: list[str] = field(default_factory=list)
    # The form's marker: the signed original the ward issues ("Bản chính"); a copy says "Bản sao".
    copy_marker: str = "Bản chính"
