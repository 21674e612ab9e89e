"""The provincial dashboard in a real browser."""

import pytest

from portal.dashboard.services import provinces_refresh
from tests.e2e.conftest import serious_accessibility_violations
from tests.e2e.test_backoffice_journeys import sign_in
from tests.factories import UserFactory
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.django_db(transaction=True)


def test_provincial_staff_read_the_dashboard_and_sort_the_ward_ranking(site, page):
    cast = Cast()
    for state in ("completed", "completed", "registered", "in_review", "submitted"):
        build(state, cast)
    provinces_refresh()
    staff = UserFactory(province_staff=True)
    sign_in(page, site, staff)
    page.goto(f"{site.url}/so-lieu/")
    page.get_by_role("heading", name="Số liệu giải quyết hồ sơ liên thông").wait_for()
    kpis = page.locator(".kpis")
    assert "Tiếp nhận" in kpis.inner_text() and "5" in kpis.inner_text()
    assert page.locator("svg.chart rect.bar").count() == 30
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Trung vị (ngày)").click()
    page.wait_for_url("**xep=median_days**")
    first = page.locator("table.ranking tbody tr").first.inner_text()
    assert "Phường Trường Vinh" in first
    assert serious_accessibility_violations(page) == []


def test_the_admin_works_under_the_content_security_policy(site, page):
    """The page fixture fails the test on any script or style the policy blocked."""
    cast = Cast()
    bundle = build("submitted", cast)
    admin = UserFactory(admin=True)
    sign_in(page, site, admin)
    for path in (
        "/quan-tri/",
        "/quan-tri/registrations/bundle/",
        f"/quan-tri/registrations/bundle/{bundle.pk}/change/",
        "/quan-tri/workcalendar/calendaroverride/add/",
    ):
        response = page.goto(f"{site.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
