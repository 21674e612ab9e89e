"""The admin reads in Vietnamese, Django's own strings and the libraries' included, and switches to
English from its own header."""

import re
import unicodedata

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.language import vietnamese_words, visible_text

pytestmark = pytest.mark.usefixtures("divisions")

# Visible English a Vietnamese admin index showed: Django 5.2's newer strings and the libraries' models.
ENGLISH = ["Skip to main content", "Model name", "Add link", "Change or view list link", "Toggle theme",
           "Axes", "Auth Token", "Tokens", "Access attempts", "Access failures", "Access logs",
           "Welcome", "View site", "Log out", "Recent actions", "Add", "Change", "View"]  # fmt: skip


@pytest.fixture
def admin_client(db, client):
    user = UserFactory(admin=True)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def test_the_admin_index_reads_in_vietnamese(admin_client):
    text = visible_text(admin_client.get(reverse("admin:index")).content.decode())
    words = set(re.findall(r"[A-Za-z]+(?: [A-Za-z]+)*", text))
    for english in ENGLISH:
        assert not any(english in w for w in words), english
    shown = ("Chuyển đến nội dung chính", "Chống dò mật khẩu", "Mã truy cập API", "Lần đăng nhập thử",
             "Tài khoản và phân quyền", "Hồ sơ liên thông", "Ngôn ngữ")  # fmt: skip
    for vietnamese in shown:
        assert vietnamese in text, vietnamese


def test_the_admin_switches_to_english_from_its_header_and_reads_in_english(admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert f'action="{reverse("set_language")}"' in index and 'name="language"' in index
    admin_client.post(reverse("set_language"), {"language": "en", "next": reverse("admin:index")})
    html = admin_client.get(reverse("admin:index")).content.decode()
    text = visible_text(re.sub(r'<option[^>]* lang="vi"[^>]*>.*?</option>', " ", html))
    assert (
        "Accounts and permissions" in text
        and "Interconnected bundles" in text
        and "Lockout protection" in text
    )
    assert vietnamese_words(text) == []  # the language list names Vietnamese in Vietnamese, marked lang="vi"
    assert '<option value="vi" lang="vi">Tiếng Việt</option>' in unicodedata.normalize("NFC", html)


def test_a_changelist_reads_in_vietnamese_too(admin_client):
    text = visible_text(admin_client.get(reverse("admin:registrations_bundle_changelist")).content.decode())
    assert "Hồ sơ liên thông" in text
    for english in (
        "Skip to main content",
        "Show counts",
        "Hide counts",
        "Toggle theme",
        "Filter navigation",
    ):
        assert english not in text, english
