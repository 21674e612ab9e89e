"""Every page a person opens, at 390 px (a phone) and 1366 px (a desktop), signed in as someone who may
see it: nothing scrolls sideways, no text is cut at an edge, axe finds nothing serious (once per page:
its rules do not change with the width). The list comes
from the URL configuration: a GET route that is neither visited nor excluded here with a reason fails
the test. Screenshots go to tests/e2e/artifacts/pages/."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.e2e.conftest import ARTIFACTS, serious_accessibility_violations
from tests.portal.authz_requests import REQUESTS
from tests.portal.authz_world import World, url_patterns
from tests.portal.test_authorization_matrix import EXPECTED
from tests.registrations.helpers import birth_declaration
from tests.registrations.states import build

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 1366)
# Who opens each page, in this order: the first whose own object answers 200.
VISITORS = ("citizen", "clerk", "leader", "province", "admin", "anonymous")
# GET routes that are not pages a person reads, with why.
NOT_PAGES = {
    "healthz": "a probe for the orchestrator",
    "readyz": "a probe for the orchestrator",
    "metrics": "Prometheus text",
    "dia-gioi/xa-phuong/": "JSON for the ward picker",
    "ho-so-cua-toi/<uuid:key>/cac-buoc/": "a fragment the status page loads into itself (checked there)",
    "du-lieu-ca-nhan/tai-ve/": "a JSON download",
    "so-lieu/xuat.csv": "a CSV download",
    "trich-luc/<str:token>/tai-ve/": "the signed PDF",
    "ky-so/<uuid:key>/xem-truoc/": "the extract's PDF preview",
    "tai-khoan/dang-nhap/vneid/": "a redirect to the e-ID provider",
    "tai-khoan/dang-nhap/ma-xac-thuc/": "only between password and code (tests/portal/test_two_factor.py)",
    "api/schema/": "the OpenAPI document",
    "api/docs/": "Swagger UI, a third-party page",
    "thanh-phan-giao-dien/": "only under DEBUG; tests/e2e/test_components.py opens it with DEBUG on",
}
NOT_PAGE_PREFIXES = {
    "api/v1/": "the JSON API",
    "quan-tri/": "the admin: its index is visited below, the rest is Django's own",
    "mock-": "the demo's stand-ins for the e-ID and the agencies",
    "oidc/": "the e-ID provider's redirects",
}
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const overflow = document.documentElement.scrollWidth - width;
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    const hides = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    if (!hides || el.clientWidth <= 2 || el.closest('.visually-hidden, [hidden]')) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.textContent.trim()) {
      clipped.push(`${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 40)}`);
    }
  }
  const wide = [];
  if (overflow > 0) {
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && !el.closest('[data-scrolls]')) {
        wide.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(box.right)} px)`);
      }
    }
  }
  return {overflow, clipped, wide: wide.slice(0, 5)};
}"""


# On an English page, any text a person reads or hears that is written with Vietnamese letters and is
# not marked lang="vi" (names, addresses, legal titles are): text nodes and the labels in attributes.
VIETNAMESE_OUTSIDE_VI = """() => {
  const marks = /[\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323]/;
  const vietnamese = (text) =>
    text.split(/\\s+/).some((w) => /[đĐ]/.test(w) || marks.test(w.normalize('NFD')));
  const skip = (el) => el.closest('[lang="vi"], script, style, noscript, template');
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    const tag = el.tagName.toLowerCase();
    if (text && !skip(el) && vietnamese(text)) found.push(`${tag}: ${text.slice(0, 60)}`);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const text = el.getAttribute(name);
      if (text && !skip(el) && vietnamese(text)) found.push(`[${name}]: ${text.slice(0, 60)}`);
    }
  }
  const title = document.title;
  if (vietnamese(title)) found.push(`title: ${title}`);
  return found;
}"""


def _excluded(route: str) -> str | None:
    if route in NOT_PAGES:
        return NOT_PAGES[route]
    return next((why for prefix, why in NOT_PAGE_PREFIXES.items() if route.startswith(prefix)), None)


# Pages that show only in a state the authorization matrix's objects are not in.
IN_STATE = {
    "ho-so-cua-toi/<uuid:key>/bo-sung/": ("citizen", "awaiting_citizen"),
    # The status page with every kind of result on it: the longest values a card must hold.
    "ho-so-cua-toi/<uuid:key>/": ("citizen", "completed"),
}


# Pages that must stay short on a desktop (px at 1366): the full birth bundle's "check your answers"
# was 4,500 px tall with one long column.
DESKTOP_HEIGHT = {"ho-so-cua-toi/<uuid:key>/xem-lai/": 2600}


def _visitor(route: str) -> str | None:
    if route in IN_STATE:
        return IN_STATE[route][0]
    cells = EXPECTED.get(route, {})
    return next((role for role in VISITORS if cells.get(role, (None,))[0] == 200), None)


def planned_pages() -> list[tuple[str, str]]:
    """(route, visitor) for every GET page; fails on a route with no plan."""
    unplanned, pages = [], []
    for route, _name in url_patterns():
        method = REQUESTS.get(route, ("GET",))[0]
        if method != "GET" or _excluded(route):
            continue
        visitor = _visitor(route)
        if visitor is None:
            unplanned.append(route)
        else:
            pages.append((route, visitor))
    assert unplanned == [], f"GET routes neither visited nor excluded with a reason: {unplanned}"
    return [*pages, ("quan-tri/", "admin")]


def _signed_in(browser, base_url: str, user, width: int, *, english: bool = False):
    """A browser signed in as ``user``; in English, an en-US browser with English chosen."""
    context = browser.new_context(
        locale="en-US" if english else "vi-VN", viewport={"width": width, "height": 900}
    )
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en" if english else "vi", "url": base_url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": client.session.session_key, "url": base_url}
        )
    context.add_cookies(cookies)
    return context


def outside_the_browsers_loop(build):
    """pyHanko signs with asyncio.run(), which refuses to start inside the event loop Playwright's sync
    API keeps in this thread: build in a plain thread on this test's database connection."""
    connection, out = connections["default"], {}

    def run():
        connections["default"] = connection
        try:
            out["value"] = build()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test's thread
            out["error"] = exc

    connection.inc_thread_sharing()
    try:
        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
    finally:
        connection.dec_thread_sharing()
    if "error" in out:
        raise out["error"]
    return out["value"]


def _world() -> World:
    world = World()
    every_result = birth_declaration(procedures=("permanent_residence", "health_insurance", "child_id_card"))
    for _route, (_visitor, state) in IN_STATE.items():
        world.objects["own"][state] = build(state, world.cast, every_result if state == "completed" else None)
    return world


def _path(route: str, own: dict) -> str:
    if route == "quan-tri/":
        return "/quan-tri/"
    if route in IN_STATE:
        return REQUESTS[route][1]({**own, "bundle": own[IN_STATE[route][1]]})
    return REQUESTS[route][1](own)


def test_every_page_fits_a_phone_and_a_desktop_and_passes_axe(browser, site):
    world = outside_the_browsers_loop(_world)
    own = world.objects["own"]
    (ARTIFACTS / "pages").mkdir(parents=True, exist_ok=True)
    findings: list[str] = []
    contexts: dict[str, object] = {}
    for route, visitor in planned_pages():
        if visitor not in contexts:
            user = None if visitor == "anonymous" else world.users[visitor]
            contexts[visitor] = _signed_in(browser, site.url, user, WIDTHS[0])
        page = contexts[visitor].new_page()
        path = _path(route, own)
        answer = page.goto(site.url + path)
        shot = (
            route.strip("/").replace("/", "_").replace("<", "").replace(">", "").replace(":", "-") or "home"
        )
        if answer is None or answer.status != 200:
            findings.append(f"{path} as {visitor}: answered {answer and answer.status}")
            page.close()
            continue
        # One load per page: measured at the phone's width, then again once the window is a desktop's.
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            where = f"{path} at {width} px as {visitor}"
            page.screenshot(path=str(ARTIFACTS / "pages" / f"{shot}-{width}.png"), full_page=True)
            measured = page.evaluate(MEASURE)
            if measured["overflow"] > 0:
                findings.append(f"{where}: {measured['overflow']} px sideways; widest {measured['wide']}")
            findings += [f"{where}: clipped {text}" for text in measured["clipped"][:5]]
            height = page.evaluate("document.documentElement.scrollHeight")
            if width == WIDTHS[1] and height > DESKTOP_HEIGHT.get(route, height):
                findings.append(f"{where}: {height} px tall, more than {DESKTOP_HEIGHT[route]}")
            if width == WIDTHS[0]:  # what axe checks does not change with the width; once per page
                findings += [f"{where}: axe {v}" for v in serious_accessibility_violations(page)]
        page.close()
        findings += _in_english(browser, site.url, world, visitor, path, contexts)
    for context in contexts.values():
        context.close()
    assert findings == [], "\n".join(findings)


def _in_english(browser, base_url: str, world: World, visitor: str, path: str, contexts: dict) -> list[str]:
    """The same page in English, on an English browser: no Vietnamese outside what is marked lang="vi"."""
    key = (visitor, "en")
    if key not in contexts:
        user = None if visitor == "anonymous" else world.users[visitor]
        contexts[key] = _signed_in(browser, base_url, user, WIDTHS[1], english=True)
    page = contexts[key].new_page()
    try:
        page.goto(base_url + path)
        return [
            f"{path} in English as {visitor}: {found}" for found in page.evaluate(VIETNAMESE_OUTSIDE_VI)[:10]
        ]
    finally:
        page.close()
