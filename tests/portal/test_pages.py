import re
from pathlib import Path

from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def test_home_page_is_vietnamese_by_default_with_landmarks(client, db):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in body
    assert "Cổng dịch vụ công liên thông" in body
    assert 'href="#noi-dung"' in body and 'id="noi-dung"' in body  # skip link and its target
    assert "<header" in body and "<nav" in body and "<main" in body and "<footer" in body
    assert '<label for="language">' in body  # the language switcher is labelled


def test_the_language_switcher_turns_the_page_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Skip to main content" in body and "Sign in with VNeID" in body
    assert "When a baby is born" in body


def _po_entries(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, joining continued lines."""
    pairs = []
    for block in text.split("\n\n"):
        found = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if found:
            join = lambda chunk: "".join(re.findall(r'"(.*)"', chunk)).replace('\\"', '"')  # noqa: E731
            pairs.append((join(found.group(1)), join(found.group(2))))
    return [(msgid, msgstr) for msgid, msgstr in pairs if msgid]


def test_every_english_message_is_translated_and_compiled():
    po = (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = _po_entries(po)
    assert len(entries) > 40
    assert [msgid for msgid, msgstr in entries if not msgstr] == []
    assert "#, fuzzy" not in po
    with translation.override("en"):
        stale = [msgid for msgid, msgstr in entries if translation.gettext(msgid) != msgstr]
    assert stale == [], "run `make messages`: the compiled catalogue is older than the .po file"


def test_error_pages_are_vietnamese(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
