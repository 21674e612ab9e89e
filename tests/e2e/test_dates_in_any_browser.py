"""Dates read and are typed day/month/year, and times on the 24-hour clock, in a browser set to
American English (whose own date input shows mm/dd/yyyy and AM/PM)."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from portal.dashboard.services import provinces_refresh
from tests.factories import UserFactory
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.django_db(transaction=True)


def _american_browser(browser, site, user):
    context = browser.new_context(
        locale="en-US", timezone_id="America/New_York", viewport={"width": 390, "height": 844}
    )
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.session.session_key, "url": site.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_a_date_reads_and_is_typed_day_first_in_an_american_browser(site, browser):
    cast = Cast()
    bundle = build("draft", cast)
    context, page = _american_browser(browser, site, cast.citizen)
    try:
        page.goto(f"{site.url}/ho-so-cua-toi/{bundle.public_id}/khai/tre/")
        born = page.locator("#f-child-date-of-birth")
        stored = bundle.people.get(role="child").date_of_birth
        assert born.get_attribute("type") == "text"
        assert born.input_value() == f"{stored:%d/%m/%Y}"
        assert page.locator("#f-birth-time-of-birth").input_value() == "08:30"
        born.fill("05/11/2026")
        page.locator("#f-birth-time-of-birth").fill("14:30")
        page.locator("button[name=go][value=next]").click()
        page.wait_for_url(lambda url: "/khai/tre/" not in url)
        child = bundle.people.get(role="child")
        assert child.date_of_birth == date(2026, 11, 5)  # the fifth of November, not the eleventh of May
        page.goto(f"{site.url}/ho-so-cua-toi/{bundle.public_id}/khai/tre/")
        assert born.input_value() == "05/11/2026"
        assert page.locator("#f-birth-time-of-birth").input_value() == "14:30"
        assert page.locator("input[type=date], input[type=time]").count() == 0
    finally:
        context.close()


def test_the_dashboards_range_is_typed_day_first_in_an_american_browser(site, browser):
    build("completed", Cast())
    provinces_refresh()
    context, page = _american_browser(browser, site, UserFactory(province_staff=True))
    try:
        page.goto(f"{site.url}/so-lieu/")
        page.locator("#id_ky").select_option("tuy-chon")
        page.locator("#id_tu").fill("01/11/2026")
        page.locator("#id_den").fill("30/11/2026")
        page.locator("form.filters-form button[type=submit]").click()
        page.wait_for_url("**tu=01%2F11%2F2026**")
        assert (
            "01/11/2026" in page.locator("main").inner_text()
            and "30/11/2026" in page.locator("main").inner_text()
        )
        assert page.locator("#id_tu").input_value() == "01/11/2026"
        assert page.locator("input[type=date]").count() == 0
    finally:
        context.close()
