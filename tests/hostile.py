"""What a stranger sends: values, bodies and path segments that no field accepts. Deterministic, so a
finding is reproduced by naming its family and its index in the corpus test's failure message."""

from __future__ import annotations

import copy
import json

# Strings no code, name, number, date or enum of the portal accepts (none is empty or blank, which a
# draft takes as "not given yet").
STRINGS = [
    "\x00",
    "a\x00b",
    "²",
    "١٦٦٩٠",
    "１６６９０",
    "𝟏𝟔𝟔𝟗𝟎",
    "-1",
    "0x10",
    "99999999999999999999999999",
    "1e309",
    "<script>alert(1)</script>",
    "'; DROP TABLE registrations_bundle; --",
    "../../../../etc/passwd",
    "%00%2e%2e%2f",
    "\u202egnp.exe",
    "\ufeff\ufeff",
    "A" * 5000,
    "Đ" * 101,
    "\r\nX-Injected: 1",
    "${jndi:ldap://example.invalid/a}",
    "{{7*7}}",
    "\udcff",
    "a\tb\x0bc\x0c",
    "😀😀😀",
]
# What a query string or a form can carry (a lone surrogate is not text; RAW_QUERY sends its bytes).
TYPED = [value for value in STRINGS if value != "\udcff"]
# Query values sent as they are, percent-encoding and all: invalid UTF-8, a lone surrogate's bytes.
RAW_QUERY = ["%ff%fe", "%ED%B3%BF", "%", "%%zz", "%C0%AF", "%E2%80%AE", "x" * 4000]
# Values of the wrong type, or out of any range.
VALUES = [
    *STRINGS,
    -1,
    2**63,
    -(2**63) - 1,
    1.5,
    1e308,
    [None],
    {"a": 1},
    ["x"] * 500,
    [[[[[[[[[[[]]]]]]]]]]],
    {"__proto__": {"polluted": True}},
]


def nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


# Bodies that are not a JSON object of the expected shape, or not JSON at all.
BODIES = [
    b"",
    b"{",
    b"[",
    b'{"a":',
    b"\xff\xfe{\x00}\x00",
    b"\xef\xbb\xbf{}",
    b"\xc3\x28\xa0\xa1",
    '{"a": 1}'.encode("utf-16"),
    b"null",
    b"[]",
    b"1",
    b'"x"',
    nested(20_000),
    ('{"a":' * 100 + "1" + "}" * 100).encode(),
    b'{"x": 1e999}',
    b'{"x": NaN}',
    b"{" + b",".join(b'"k%d":1' % i for i in range(5000)) + b"}",
    b"\x00" * 16,
    b'{"group": "birth", "group": "death"}',
    b"<?xml version='1.0'?><a/>",
]
CONTENT_TYPES = ["application/json", "text/plain", "application/xml", "application/json; charset=utf-16"]
# Path segments where a code, a key or a slug is expected (NUL is refused before routing).
SEGMENTS = [
    "%00",
    "a%00b",
    "²",
    "١٦٦٩٠",
    "..%2f..%2fetc",
    "A" * 3000,
    "%ff%fe",
    "00000000-0000-0000-0000-000000000000",
    "ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ",
    "40.16690-261301-0001",
    "40.99999999999999999999-261201-0001",
    "%F0%9F%98%80",
    "-1",
    "0",
]


def with_value(document: dict, path: str, value) -> dict:
    """A deep copy of ``document`` with the dotted ``path`` set to ``value``."""
    changed = copy.deepcopy(document)
    *parents, last = path.split(".")
    target = changed
    for part in parents:
        target = target.setdefault(part, {}) if isinstance(target, dict) else target
    target[last] = value
    return changed


def json_bytes(document) -> bytes:
    # ensure_ascii keeps a lone surrogate ("\udcff") as its escape: valid JSON text, no valid string.
    return json.dumps(document, ensure_ascii=True).encode()


def mutations(document: dict, paths: list[str], values=VALUES) -> list[bytes]:
    """Each path of ``document`` set, in turn, to each hostile value."""
    return [json_bytes(with_value(document, path, value)) for path in paths for value in values]
