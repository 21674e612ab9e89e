"""Browser journeys in Debian's Chromium driven by Playwright against the live server."""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from interconnect.mock_agencies import behaviour
from tests.conftest import require_tool

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    require_tool("chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the tests (and their
    # database teardown) use the ORM. Allowed for as long as the browser lives, and no longer.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _page(browser, request, **context_options):
    context = browser.new_context(locale="vi-VN", **context_options)
    page = context.new_page()
    page.set_default_timeout(15000)
    # Anything the Content-Security-Policy blocked (an inline script or style slipped into a page).
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_blocked = blocked
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert blocked == [], blocked


@pytest.fixture
def page(browser, request):
    yield from _page(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(browser, request):
    """A 390 × 844 touch screen, as most citizens file."""
    yield from _page(browser, request, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


@pytest.fixture
def site(live_server, settings, divisions, tmp_path):
    settings.SITE_URL = live_server.url
    settings.AGENCIES = {
        code: {**agency, "base_url": f"{live_server.url}/mock-agencies/{code}"}
        for code, agency in django_settings.AGENCIES.items()
    }
    settings.INTERCONNECT = {**django_settings.INTERCONNECT, "backoff_base": 0.05, "backoff_cap": 0.2}
    behaviour.set_knobs({})
    return live_server


def serious_accessibility_violations(page) -> list[str]:
    """axe-core run inside the page (nothing downloaded): serious or critical findings only."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}; first at {v['nodes'][0]['target']})" for v in found]
