"""Reading a JSON request body within limits, for every endpoint that takes JSON (the API, the
agencies' callbacks, the hospital intake): nesting past a depth is refused before anything recurses
over it, and what is not JSON is refused with one clear message, never an error page."""

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


def _deeper_than(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict | list):
            if depth > limit:
                return True
            children = current.values() if isinstance(current, dict) else current
            stack.extend((child, depth + 1) for child in children)
    return False


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
    if _deeper_than(value, max_depth):
        raise BodyRefused(f"Nội dung JSON lồng nhau quá {max_depth} tầng.")
    return value


class GuardedJSONParser(JSONParser):
    """DRF's JSON parser with the same limits: a refusal is a 400 problem document."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            return parse_json(raw)
        except BodyRefused as exc:
            raise ParseError(str(exc)) from None
