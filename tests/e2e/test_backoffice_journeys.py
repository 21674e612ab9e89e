"""The clerk's and the leader's journeys in a real browser."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from interconnect.mock_agencies import behaviour
from registrations import services
from registrations.models import Bundle, Step
from signing import services as signing_services
from tests.e2e.conftest import ARTIFACTS, serious_accessibility_violations
from tests.factories import WARD_B, UserFactory
from tests.interconnect.conftest import drain
from tests.portal.test_two_factor import code_for
from tests.registrations.states import Cast, build
from tests.signing.test_signing import registered_with_personal_id

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-nghiem"


def sign_in(page, site, user):
    """The staff sign-in as a person does it; a leader's first sign-in sets up the authenticator app
    (the test reads the new secret from the database, as the phone would from the QR code)."""
    page.goto(f"{site.url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/can-bo/" in url or "/ma-xac-thuc/" in url)
    if "/ma-xac-thuc/" in page.url:
        page.get_by_text("Quét mã QR này bằng ứng dụng").wait_for()
        assert serious_accessibility_violations(page) == []
        page.get_by_label("Mã xác thực (6 chữ số)").fill(code_for(TOTPDevice.objects.get(user=user)))
        page.get_by_role("button", name="Xác nhận và đăng nhập").click()
        page.wait_for_url("**/can-bo/**")


def test_a_clerk_accepts_and_registers_a_bundle(site, page):
    cast = Cast()
    bundle = build("submitted", cast)
    sign_in(page, site, cast.clerk)
    page.goto(f"{site.url}/can-bo/ho-so/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name=bundle.code).click()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Tôi đã kiểm tra hồ sơ đủ điều kiện tiếp nhận").check()
    page.get_by_role("button", name="Tiếp nhận").click()
    page.get_by_text("Đã tiếp nhận hồ sơ.").wait_for()
    page.get_by_label("Đăng ký vào sổ (cấp số, không hoàn tác được)").check()
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.get_by_text("Đã đăng ký: số 1").wait_for()
    assert Bundle.objects.get(pk=bundle.pk).state == "registered"


def test_a_leader_signs_three_at_once(site, page):
    cast = Cast()
    signing_services.certificate_issue_dev(user=cast.leader)
    bundles = [registered_with_personal_id(cast) for _ in range(3)]
    sign_in(page, site, cast.leader)
    page.goto(f"{site.url}/ky-so/")
    assert serious_accessibility_violations(page) == []
    for bundle in bundles:
        page.get_by_label(bundle.code).check()
    page.get_by_label("Nhập lại mật khẩu để xác nhận").fill(PASSWORD)
    page.get_by_label("Tôi đã xem và đồng ý ký số các trích lục đã chọn.").check()
    page.get_by_role("button", name="Ký số các hồ sơ đã chọn").click()
    page.get_by_text("Đã ký số 3 trích lục.").wait_for()
    assert Bundle.objects.filter(pk__in=[b.pk for b in bundles], state="signed").count() == 3


def test_a_leader_with_a_remote_key_signs_three_with_one_code_knowing_whose(site, page, remote_provider):
    cast = Cast()
    credential = remote_provider.enrol(username=cast.leader.username, full_name=cast.leader.full_name,
                                       organisation="UBND thử nghiệm", phone="0912345678")  # fmt: skip
    signing_services.certificate_register_remote(user=cast.leader, credential_id=credential)
    bundles = [registered_with_personal_id(cast) for _ in range(3)]
    children = [bundle.people.get(role="child").full_name for bundle in bundles]
    sign_in(page, site, cast.leader)
    page.goto(f"{site.url}/ky-so/")
    page.get_by_text("Ký số từ xa").first.wait_for()
    for bundle in bundles:
        page.get_by_label(bundle.code).check()
    page.get_by_role("button", name="Gửi mã xác thực").click()
    covered = page.get_by_role("status").filter(has_text="Mã này dùng để ký 3 trích lục")
    for name in children:
        assert name in covered.inner_text()
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=str(ARTIFACTS / "signing-remote-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    code = re.search(r"\b(\d{6})\b", remote_provider.messages()[0]).group(1)
    page.get_by_label("Mã xác thực gửi tới điện thoại").fill(code)
    page.get_by_label("Tôi đã xem và đồng ý ký số các trích lục đã chọn.").check()
    page.get_by_role("button", name="Ký số các hồ sơ đã chọn").click()
    page.get_by_text("Đã ký số 3 trích lục.").wait_for()
    assert Bundle.objects.filter(pk__in=[b.pk for b in bundles], state="signed").count() == 3
    approvals = [
        e
        for e in remote_provider.log()
        if e["credential"] == credential and e["endpoint"] == "credentials/authorize"
    ]
    assert [e["hashes"] for e in approvals] == [3]


def test_a_clerk_replays_a_dead_step_and_sees_it_complete(site, page):
    cast = Cast()
    behaviour.set_knobs({"fail_first": 100})
    bundle = build("registered", cast)
    drain()
    assert Step.objects.get(bundle=bundle, procedure="personal_id").state == "dead"
    behaviour.set_knobs({})
    sign_in(page, site, cast.clerk)
    page.goto(f"{site.url}/can-bo/ho-so/{bundle.public_id}/")
    page.get_by_text("Gửi thất bại").wait_for()
    page.get_by_label("Xác nhận đã khắc phục").check()
    page.get_by_role("button", name="Gửi lại").click()
    page.get_by_text("Đã gửi lại bước").wait_for()
    drain()
    page.reload()
    row = page.get_by_role("row").filter(has_text="Cấp số định danh cá nhân")
    assert "Hoàn thành" in row.first.inner_text()


def test_another_wards_bundle_url_is_404_for_a_clerk(site, page):
    cast = Cast()
    bundle = build("submitted", cast)
    outsider = UserFactory(clerk=True, ward_id=WARD_B)
    sign_in(page, site, outsider)
    response = page.goto(f"{site.url}/can-bo/ho-so/{bundle.public_id}/")
    assert response.status == 404
    assert "Không tìm thấy trang" in page.content()


def test_the_accessibility_check_does_find_a_serious_violation(site, page):
    """Guards the helper above against passing vacuously."""
    page.goto(f"{site.url}/")
    assert serious_accessibility_violations(page) == []
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<button></button>')")
    assert any(v.startswith("button-name") for v in serious_accessibility_violations(page))


def test_the_policy_check_does_catch_a_blocked_resource(site, page):
    """Guards the page fixture's Content-Security-Policy check against passing vacuously."""
    page.goto(f"{site.url}/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        '\'<img alt="" src="http://198.51.100.1/pixel.png">\')'
    )
    page.wait_for_timeout(500)
    assert any("img-src" in message for message in page.csp_blocked)
    page.csp_blocked.clear()


def _fits(phone) -> None:
    width = phone.evaluate("document.documentElement.clientWidth")
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, phone.url


def test_a_clerk_runs_a_whole_case_from_a_phone_without_scrolling_sideways(site, phone):
    cast = Cast()
    bundle = build("submitted", cast)
    sign_in(phone, site, cast.clerk)
    phone.goto(f"{site.url}/can-bo/ho-so/")
    _fits(phone)
    phone.get_by_role("link", name=bundle.code).click()
    _fits(phone)
    phone.get_by_label("Tôi đã kiểm tra hồ sơ đủ điều kiện tiếp nhận").check()
    phone.get_by_role("button", name="Tiếp nhận").click()
    phone.get_by_text("Đã tiếp nhận hồ sơ.").wait_for()
    _fits(phone)
    # A supplement: one field of the child's, in its own group of the picker, and a reason.
    child = phone.locator(".supplement-fields details:has(summary:text-is('Trẻ được khai sinh'))")
    child.locator("summary").click()
    child.get_by_label("Họ, chữ đệm, tên").check()
    phone.get_by_label("Lý do (gửi cho công dân)").fill("Tên chưa đúng giấy chứng sinh")
    phone.get_by_label("Gửi yêu cầu bổ sung").check()
    _fits(phone)
    phone.get_by_role("button", name="Gửi", exact=True).click()
    phone.get_by_text("Chờ công dân bổ sung").first.wait_for()
    _fits(phone)
    bundle.refresh_from_db()
    assert bundle.state == "awaiting_citizen"
    # The family answers from their own phone; the bundle comes back to the clerk.
    answer = {"child": {"full_name": "Nguyễn Minh Khang"}}
    services.bundle_resubmit(bundle=bundle, actor=cast.citizen, data=answer)
    phone.reload()
    _fits(phone)
    phone.locator("dl.facts").get_by_text("Nguyễn Minh Khang").first.wait_for()
    phone.get_by_label("Tôi đã kiểm tra hồ sơ đủ điều kiện tiếp nhận").check()
    phone.get_by_role("button", name="Tiếp nhận").click()
    phone.get_by_text("Đã tiếp nhận hồ sơ.").wait_for()
    phone.get_by_label("Đăng ký vào sổ (cấp số, không hoàn tác được)").check()
    phone.get_by_role("button", name="Đăng ký", exact=True).click()
    phone.get_by_text("Đã đăng ký: số 1").wait_for()
    _fits(phone)
    assert Bundle.objects.get(pk=bundle.pk).state == "registered"
