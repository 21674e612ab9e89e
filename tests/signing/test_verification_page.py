"""The public verification page: a superseded copy is genuine but superseded (never a green verdict
under a red banner), and the holder of a paper copy checks the name on it without the page showing
the name."""

import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.audit.models import AuditEvent
from signing import services
from tests.signing.test_signing import registered_with_personal_id, signed_bytes, superseded_by_a_late_number

pytestmark = pytest.mark.usefixtures("divisions")


def test_a_superseded_copy_is_reported_genuine_but_superseded_naming_the_current_issue(
    cast,
    client,
    django_capture_on_commit_callbacks,
):
    first, second = superseded_by_a_late_number(cast, django_capture_on_commit_callbacks)
    upload = SimpleUploadedFile("ban-cu.pdf", signed_bytes(first), "application/pdf")
    page = client.post(f"/verify/{first.token}/", {"file": upload}).content.decode()
    verdict = page[page.index('role="alert"') - 40 : page.index("</p>", page.index('role="alert"'))]
    assert 'class="notice-summary"' in verdict and "ok-summary" not in verdict
    assert "đúng là bản gốc của lần cấp thứ 1" in verdict and "đã được thay thế" in verdict
    assert f"lần cấp thứ {second.version}" in verdict
    current = SimpleUploadedFile("ban-moi.pdf", signed_bytes(second), "application/pdf")
    page = client.post(f"/verify/{second.token}/", {"file": current}).content.decode()
    assert 'class="ok-summary" role="alert"' in page and "thay thế" not in page.split('role="alert"')[1][:300]


@pytest.mark.parametrize(
    "typed, matches",
    [
        ("Nguyễn Minh Khôi", True),
        ("  nguyễn   MINH khôi ", True),  # case and spaces do not matter
        ("Nguye\u0302\u0303n Minh Kho\u0302i", True),  # decomposed letters are the same letters
        ("Nguyễn Minh Khoi", False),  # the diacritics do
        ("Nguyễn Minh Khối", False),
        ("Nguyễn Minh", False),
    ],
)
def test_the_name_on_a_paper_copy_is_checked_without_showing_it(cast, client, typed, matches):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    name = extract.bundle.people.get(role="child").full_name
    assert name == "Nguyễn Minh Khôi"
    page = client.post(f"/verify/{extract.token}/", {"kiem-tra": "ho-ten", "ho_ten": typed}).content.decode()
    assert ("Khớp:" in page) is matches and ("Không khớp:" in page) is (not matches)
    assert page.count(name) == 0  # the record's name is never on the page
    event = AuditEvent.objects.filter(action="extract.name_checked").latest("seq")
    assert event.data == {"matches": matches} and typed.strip() not in str(event.data)


def test_le_and_le_with_a_tilde_are_two_names(cast, client):
    bundle = registered_with_personal_id(cast)
    bundle.people.filter(role="child").update(full_name="Lê Văn An")
    extract = services.bundle_sign_extract(bundle=bundle, leader=cast.leader)
    ask = lambda typed: client.post(  # noqa: E731
        f"/verify/{extract.token}/", {"kiem-tra": "ho-ten", "ho_ten": typed}
    ).content.decode()
    assert "Khớp:" in ask("Lê Văn An") and "Không khớp:" in ask("Lễ Văn An")


def test_name_checks_are_limited_per_address(cast, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "name_check": "3/hour"}
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    # An address of this test's own: the counters live in the shared cache (Redis in CI) for the hour.
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"

    def ask(name: str) -> str:
        return client.post(
            f"/verify/{extract.token}/", {"kiem-tra": "ho-ten", "ho_ten": name}, REMOTE_ADDR=address
        ).content.decode()

    answers = [ask(f"Tên Thử {i}") for i in range(5)]
    assert all("Không khớp:" in a for a in answers[:3])
    assert all("quá nhiều lần" in a and "Khớp" not in a for a in answers[3:])
    assert "Khớp:" not in ask("Nguyễn Minh Khôi")  # even the right name is not answered past the limit
    other = client.post(f"/verify/{extract.token}/", {"kiem-tra": "ho-ten", "ho_ten": "Nguyễn Minh Khôi"},
                        REMOTE_ADDR=address.rsplit(".", 1)[0] + ".0")  # fmt: skip
    assert "Khớp:" in other.content.decode()  # another address is answered
