"""Posted strings turned into a partial declaration for ``DeclarationSerializer``, and stored values
shown back in the form. Values that fail are reported next to their field and left out, so everything
valid the citizen typed is still saved."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext

from portal.common.text import ascii_digits
from portal.divisions.selectors import ward_resolve

from .fields import Field, Page


def value_at(data: Any, path: str) -> Any:
    current = data
    for part in path.split("."):
        if isinstance(current, list) and ascii_digits(part):
            index = int(part)
            current = current[index] if index < len(current) else None
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
    return current


# 22/11/2026, 22-11-2026, 22.11.2026 or 2/3/2026 as people write them; 2026-11-22 as a pasted ISO date.
_TYPED_DATE = re.compile(r"^([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
# 14:30, 14h30, 14h, 7.05
_TYPED_TIME = re.compile(r"^([0-9]{1,2})\s*(?:[:hH.]\s*([0-9]{2})?)?$")


def typed_date(text: str) -> str | None:
    """The ISO date a typed day/month/year means, or None when it is no date at all."""
    found = _TYPED_DATE.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
    elif found := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def typed_time(text: str) -> str | None:
    found = _TYPED_TIME.match(text)
    if not found:
        return None
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    return f"{hours:02d}:{minutes:02d}" if hours < 24 and minutes < 60 else None


def _typed_errors() -> dict[str, str]:
    return {
        "date": gettext("Ngày không đúng: ghi ngày/tháng/năm, ví dụ 22/11/2026."),
        "time": gettext("Giờ không đúng: ghi giờ:phút theo 24 giờ, ví dụ 14:30."),
    }


def shown_value(value: Any, kind: str) -> str:
    """A stored value as the form shows it: dates day first, times on the 24-hour clock."""
    if value is None:
        return ""
    if kind in ("flag", "consent"):
        return "on" if value else ""
    if kind == "yesno":
        return "yes" if value else "no"
    if kind == "date":
        day = value if hasattr(value, "strftime") else _as_date(str(value))
        return day.strftime("%d/%m/%Y") if day else str(value)
    if kind == "time" and hasattr(value, "strftime"):
        return value.strftime("%H:%M")
    return str(value)


def _as_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _set(target: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    current: Any = target
    for part in parts[:-1]:
        current = current.setdefault(part, {})  # list rows are collected by index ("0"), see _listify
    current[parts[-1]] = value


def _raw_value(post, f: Field) -> Any:
    if f.kind == "flag":
        return post.get(f.path) == "on"
    if f.kind == "consent":
        return True if post.get(f.path) == "on" else None
    if f.kind == "yesno":
        return {"yes": True, "no": False}.get(post.get(f.path, ""))
    value = (post.get(f.path) or "").strip()
    return value or None


def _listify(data: dict) -> dict:
    """Turn {"survivors": {"0": {...}, "2": {...}}} into a list, dropping rows left entirely blank."""
    for key, value in list(data.items()):
        if isinstance(value, dict):
            if value and all(ascii_digits(k) for k in value):
                rows = [value[k] for k in sorted(value, key=int)]
                data[key] = [_listify(r) for r in rows if any(v not in (None, "") for v in r.values())]
            else:
                data[key] = _listify(value)
    return data


def parse(post, fields, *, page: Page | None = None) -> tuple[dict, dict[str, list[str]]]:
    """The partial declaration the posted fields describe (strings, not yet validated), and messages
    for what cannot even be read (a ward typed that matches none or several)."""
    data: dict = {}
    errors: dict[str, list[str]] = {}
    for f in fields:
        if f.kind == "ward":
            code = (post.get(f.path) or "").strip()
            text = (post.get(f"{f.path}__text") or "").strip()
            value = code if ascii_digits(code) and text else ward_resolve(text)
            if text and value is None:
                errors[f.path] = ["Không tìm thấy xã, phường này; hãy gõ tên và chọn trong danh sách gợi ý."]
                continue
            _set(data, f.path, value)
            continue
        value = _raw_value(post, f)
        if f.kind in ("date", "time") and value is not None:
            read = (typed_date if f.kind == "date" else typed_time)(value)
            if read is None:
                errors[f.path] = [_typed_errors()[f.kind]]
                continue
            value = read
        _set(data, f.path, value)
    if page is not None:
        section = page.optional_section
        if section and all(v in (None, "") for v in (data.get(section) or {}).values()):
            data[section] = None
        elif page.fixed:
            for path, value in page.fixed.items():
                _set(data, path, value)
    return _listify(data), errors
