"""The declaration a dossier carries, read into the shape our own filing takes (the API's declaration,
with the data dictionary's field names), from JSON or from XML with the same element names: an element
with children is an object, one whose children are all ``<item>`` a list, any other its text."""

from __future__ import annotations

from datetime import date, datetime

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from registrations.exceptions import ValidationFailed

MAX_DECLARATION_BYTES = 200_000


def parse(raw) -> dict:
    if isinstance(raw, dict):
        return dict(raw)
    if isinstance(raw, str) and raw.lstrip().startswith("<"):
        if len(raw.encode()) > MAX_DECLARATION_BYTES:
            raise ValidationFailed({"declaration": ["Tờ khai quá lớn."]})
        try:
            root = ElementTree.fromstring(raw)
        except (ElementTree.ParseError, DefusedXmlException):
            raise ValidationFailed({"declaration": ["Tờ khai XML không đọc được."]}) from None
        value = _element(root)
        if isinstance(value, dict):
            return value
    raise ValidationFailed({"declaration": ["Hồ sơ không có tờ khai (JSON hoặc XML)."]})


def _element(element):
    children = list(element)
    if not children:
        return (element.text or "").strip()
    if all(child.tag == "item" for child in children):
        return [_element(child) for child in children]
    return {child.tag: _element(child) for child in children}


def parse_date(text: str) -> date | None:
    """A date of birth as the portal writes it: ISO, dd/mm/yyyy or yyyyMMdd."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"):
        try:
            return datetime.strptime(str(text).strip()[:10], pattern).date()
        except ValueError:
            continue
    return None


SEXES = {
    "male": "male",
    "nam": "male",
    "1": "male",
    "female": "female",
    "nu": "female",
    "nữ": "female",
    "2": "female",
}


def parse_sex(text: str) -> str:
    return SEXES.get(str(text).strip().lower(), "")
