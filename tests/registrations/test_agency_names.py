"""What an agency is called follows the date: Resolution 176/2025/QH15 merged the Ministry of Labour
into Home Affairs (social protection to Health) from 1 March 2025, and since the two-level local
government of 1 July 2025 the commune decides funeral-cost support for social protection while people
with meritorious services go through the commune to the provincial Department of Home Affairs."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from registrations.models import AgencyName

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.mark.parametrize(
    ("day", "regime", "expected"),
    [
        (date(2025, 2, 28), "social_protection", "Phòng Lao động - Thương binh và Xã hội"),
        (date(2025, 3, 1), "social_protection", "Phòng Y tế cấp huyện (bảo trợ xã hội)"),
        (date(2025, 3, 1), "meritorious", "Phòng Nội vụ cấp huyện (người có công)"),
        (date(2025, 7, 1), "social_protection", "UBND xã, phường (bảo trợ xã hội)"),
        (date(2026, 11, 28), "meritorious", "Sở Nội vụ (người có công, qua UBND xã, phường)"),
        (date(2026, 11, 28), "", "UBND xã, phường; Sở Nội vụ"),
    ],
)
def test_the_welfare_body_is_the_one_in_force_on_the_day(day, regime, expected):
    assert AgencyName.objects.name_for(agency="labour", day=day, regime=regime) == expected


def test_the_other_agencies_keep_their_names_and_have_english_ones():
    assert AgencyName.objects.name_for(agency="police", day=date(2026, 1, 1)) == "Công an"
    english = AgencyName.objects.name_for(agency="social_insurance", day=date(2026, 1, 1), english=True)
    assert english == "Vietnam Social Security"


def test_no_page_or_code_names_the_abolished_ministry():
    """Outside migrations (the dated history data), nothing says "Thương binh", and the English
    catalogue never says "Invalids"."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for folder in ("templates", "locale", "portal", "registrations", "signing", "interconnect", "static"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".po", ".js", ".txt"} or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "Thương binh" in text or (path.suffix == ".po" and "Invalids" in text):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
