"""A staff search never puts what was typed into a URL: under gunicorn with its access log on, a search
by a full personal ID number leaves no personal ID number in the log."""

from __future__ import annotations

import re
import time

import pytest

from tests.interconnect.cluster import Cluster, free_port
from tests.portal.live import signed_in
from tests.registrations.states import Cast, build

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")


def test_a_search_by_personal_id_leaves_no_number_in_the_access_log(divisions, tmp_path, settings):
    cast = Cast()
    bundle = build("submitted", cast)
    number = bundle.people.get(role="mother").id_number
    cluster = Cluster(
        tmp_path=tmp_path,
        site_url="http://127.0.0.1",
        broker_url=settings.CELERY_BROKER_URL,
        secrets={"police": "p" * 32, "social_insurance": "s" * 32, "labour": "l" * 32},
    )
    port, access_log = free_port(), tmp_path / "access.log"
    cluster.start_web(port, access_log=access_log)
    try:
        clerk = signed_in(cast.clerk)
        base = f"http://127.0.0.1:{port}"
        form = clerk.get(f"{base}/can-bo/ho-so/")
        assert form.status_code == 200 and 'method="post" action="/can-bo/tim-kiem/"' in form.text
        found = clerk.post(f"{base}/can-bo/tim-kiem/", data={"q": number}, headers={"Referer": base})
        assert found.status_code == 200 and bundle.code in found.text
        assert found.headers["Cache-Control"] == "private, no-store"
        # A link from the results carries no number either: the page's own address is bare.
        clerk.get(f"{base}/can-bo/ho-so/{bundle.public_id}/", headers={"Referer": found.url})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and access_log.read_text().count("\n") < 3:
            time.sleep(0.1)
    finally:
        cluster.stop()
    logged = access_log.read_text()
    assert '"POST /can-bo/tim-kiem/ HTTP/1.1" 200' in logged
    assert number not in logged
    assert not TWELVE_DIGITS.search(logged), logged
