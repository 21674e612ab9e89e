"""Reading a JSON request body within limits, for every endpoint that takes JSON (the API, the
agencies' callbacks, the hospital intake): nesting past a depth is refused before anything recurses
over it, text that no database or page can hold (a NUL, a lone surrogate such as "\\udcff") is
refused before a field echoes it back, and what is not JSON is refused with one clear message, never
an error page."""

from __future__ import annotations

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No declaration, callback or certificate nests deeper than a few levels.
MAX_DEPTH = 32


class BodyRefused(ValueError):
    pass


def _refuse_constant(name: str):
    raise BodyRefused(f"Giá trị {name} không phải số hợp lệ trong JSON.")


def _unholdable(text: str) -> bool:
    """A NUL (PostgreSQL text cannot store it) or a lone surrogate (not Unicode: encoding it fails)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refusal(value, limit: int) -> str | None:
    """Why the decoded value is refused, walking it once without recursion."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, str):
            if _unholdable(current):
                return "Nội dung chứa ký tự không hợp lệ (ký tự NUL hoặc mã Unicode lẻ)."
        elif isinstance(current, dict | list):
            if depth > limit:
                return f"Nội dung JSON lồng nhau quá {limit} tầng."
            if isinstance(current, dict):
                stack.extend((key, depth) for key in current)
                stack.extend((child, depth + 1) for child in current.values())
            else:
                stack.extend((child, depth + 1) for child in current)
    return None


def parse_json(raw: bytes | str, *, max_depth: int = MAX_DEPTH):
    """The decoded value, or BodyRefused saying why not."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise BodyRefused(f"Nội dung JSON lồng nhau quá {max_depth} tầng.") from None
    except BodyRefused:  # a NaN or Infinity, refused by name
        raise
    except ValueError:  # UnicodeDecodeError included
        raise BodyRefused("Nội dung không phải JSON hợp lệ.") from None
    refusal = _refusal(value, max_depth)
    if refusal:
        raise BodyRefused(refusal)
    return value


class GuardedJSONParser(JSONParser):
    """DRF's JSON parser with the same limits: a refusal is a 400 problem document."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            return parse_json(raw)
        except BodyRefused as exc:
            raise ParseError(str(exc)) from None
