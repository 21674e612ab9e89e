"""Reading a JSON request body within limits, for every endpoint that takes JSON (the API, the
agencies' callbacks, the hospital intake): nesting past a depth is refused before anything recurses
over it, text that no database or page can hold (a NUL, a lone surrogate such as "\\udcff") is
refused before a field echoes it back, and what is not JSON is refused with one clear message, never
an error page."""

from __future__ import annotations

import json

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

# No declaration, callback or certificate nests deeper than a few levels.
MAX_DEPTH = 32


class BodyRefused(ValueError):
    def __init__(self, message: str, *, path: str = ""):
        super().__init__(message)
        self.path = path  # the dotted field the refusal is about, when there is one


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


def _refusal(value, limit: int) -> BodyRefused | None:
    """Why the decoded value is refused (and where), walking it once without recursion."""
    stack: list[tuple[object, int, str]] = [(value, 1, "")]
    while stack:
        current, depth, path = stack.pop()
        if isinstance(current, str):
            if _unholdable(current):
                return BodyRefused(
                    "Nội dung chứa ký tự không hợp lệ (ký tự NUL hoặc mã Unicode lẻ).", path=path
                )
        elif isinstance(current, dict | list):
            if depth > limit:
                return BodyRefused(f"Nội dung JSON lồng nhau quá {limit} tầng.")
            items = current.items() if isinstance(current, dict) else enumerate(current)
            for key, child in items:
                where = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and _unholdable(key):
                    where = path or "non_field_errors"
                    stack.append((key, depth, where))
                stack.append((child, depth + 1, where))
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
        raise refusal
    return value


class GuardedJSONParser(JSONParser):
    """DRF's JSON parser with the same limits: a refusal is a 400 problem document."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            return parse_json(raw)
        except BodyRefused as exc:
            if exc.path:  # said at the field, as any other invalid value is
                raise ValidationError({exc.path: [str(exc)]}) from None
            raise ParseError(str(exc)) from None
