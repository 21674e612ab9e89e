"""The home page tells families the time limits of the catalogue in force, not numbers of its own:
Decree 301/2026/NĐ-CP sets 5 working days for insured people, 6 for social protection and 18 for
people with meritorious services, and a later decree is a change of catalogue data only."""

import pytest

from registrations.models import Procedure

pytestmark = pytest.mark.usefixtures("divisions")


def test_the_home_page_reads_its_time_limits_from_the_catalogue(client):
    page = client.get("/").content.decode()
    assert "3 ngày làm việc (5 ngày nếu cần xác minh)" in page
    assert "5 ngày làm việc cho người hưởng bảo hiểm xã hội, 6 ngày cho đối tượng bảo trợ xã hội" in page
    assert "18 ngày cho người có công" in page

    funeral = Procedure.objects.get(version__code="ND301-2026", code="funeral_allowance")
    funeral.by_regime = {**funeral.by_regime, "meritorious": {**funeral.by_regime["meritorious"], "days": 20}}
    funeral.save()  # as an administrator entering a new decree would
    assert "20 ngày cho người có công" in client.get("/").content.decode()


def test_the_english_home_page_says_the_same_limits(client):
    client.cookies["django_language"] = "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "6 for social-protection beneficiaries and 18 for people with meritorious services" in page


def test_the_privacy_notice_gives_retention_periods_in_years(client):
    """Decree 13/2023/NĐ-CP: people are told how long each kind of record is kept, in words they use."""
    from tests.registrations.states import Cast

    client.force_login(Cast().citizen)
    page = client.get("/nop-ho-so/khai-sinh/").content.decode()
    assert "Bản chụp giấy tờ đính kèm: 5 năm kể từ khi hồ sơ kết thúc." in page
    assert "Nhật ký trao đổi với các cơ quan: 2 năm." in page
    assert "1825" not in page
