"""The national portal sync as people see it: the clerk's case page, and the mock portal's page of
each dossier's history, on a phone and a desktop."""

from datetime import date

import pytest
from django.conf import settings as django_settings

from interconnect.national_portal import inbound
from interconnect.national_portal.mock.filing import file_dossier
from interconnect.national_portal.models import InboundDossier
from interconnect.national_portal.styles import portal_client
from registrations import services
from tests.e2e.conftest import ARTIFACTS, serious_accessibility_violations
from tests.e2e.test_backoffice_journeys import _fits, sign_in
from tests.interconnect.test_national_portal import cast_with_a_named_citizen, push_all

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_portal_sync_reads_on_the_case_page_and_on_the_portals_page(site, settings, page, phone):
    settings.NATIONAL_PORTAL = {
        **django_settings.NATIONAL_PORTAL,
        "base_url": f"{site.url}/mock-dich-vu-cong",
        "from": date(2026, 1, 1),
    }
    cast = cast_with_a_named_citizen()
    dossier = file_dossier(citizen=cast.citizen, group="birth", ward=16690)
    inbound.dossiers_pull(client=portal_client(), wards=[16690])
    bundle = InboundDossier.objects.get(code=dossier.code).bundle
    services.bundle_accept(bundle=bundle, actor=cast.clerk)
    push_all()
    for screen, width in ((phone, 390), (page, 1366)):
        if width == 1366:
            screen.set_viewport_size({"width": 1366, "height": 900})
        sign_in(screen, site, cast.clerk)
        screen.goto(f"{site.url}/can-bo/ho-so/{bundle.public_id}/")
        panel = screen.locator(
            "section", has=screen.get_by_role("heading", name="Đồng bộ với Cổng Dịch vụ công quốc gia")
        )
        panel.get_by_text("2 · Được tiếp nhận").wait_for()
        assert dossier.code in panel.inner_text()
        _fits(screen)
        assert serious_accessibility_violations(screen) == []
        panel.screenshot(path=str(ARTIFACTS / f"national-portal-case-{width}.png"))
        screen.goto(f"{site.url}/mock-dich-vu-cong/ho-so/")
        screen.get_by_text("2 · Được tiếp nhận").first.wait_for()
        _fits(screen)
        assert serious_accessibility_violations(screen) == []
        screen.screenshot(path=str(ARTIFACTS / f"national-portal-history-{width}.png"), full_page=True)
        screen.goto(f"{site.url}/mock-dich-vu-cong/")
        screen.get_by_role("button", name="Nộp hồ sơ").wait_for()
        _fits(screen)
        assert serious_accessibility_violations(screen) == []
        screen.screenshot(path=str(ARTIFACTS / f"national-portal-file-{width}.png"), full_page=True)
