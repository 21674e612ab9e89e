"""No personal ID number appears in any log line of a full birth and a full death journey: filing
through the citizen's pages, the clerk's review and registration, the agencies' answers through the
relay, the leader's signature, and the citizen reading the results."""

import logging
import re

import pytest
from django.test import Client

from registrations.models import Bundle, Person
from signing import services as signing_services
from tests.interconnect.conftest import drain
from tests.registrations.helpers import birth_declaration, death_declaration
from tests.registrations.states import Cast
from tests.web.test_filing import file_everything

pytestmark = pytest.mark.django_db(transaction=True)
TWELVE_DIGITS = re.compile(r"\d{12}")


def journey(cast: Cast, declaration: dict) -> Bundle:
    citizen = Client()
    citizen.force_login(cast.citizen)
    bundle = file_everything(citizen, declaration)
    assert citizen.post(f"/ho-so-cua-toi/{bundle.public_id}/xem-lai/", {"confirm": "on"}).status_code == 302
    clerk = Client()
    clerk.force_login(cast.clerk)
    for action in ("accept", "register"):
        clerk.post(f"/can-bo/ho-so/{bundle.public_id}/{action}/", {"confirm": "1"})
    drain()  # the police answer with the personal ID number
    signing_services.bundle_sign_extract(bundle=Bundle.objects.get(pk=bundle.pk), leader=cast.leader)
    drain()  # every other agency answers
    for path in ("/ho-so-cua-toi/{}/", "/ho-so-cua-toi/{}/cac-buoc/"):
        assert citizen.get(path.format(bundle.public_id)).status_code == 200
    assert citizen.get("/du-lieu-ca-nhan/").status_code == 200
    assert clerk.get(f"/can-bo/ho-so/{bundle.public_id}/").status_code == 200
    return Bundle.objects.get(pk=bundle.pk)


def test_full_journeys_log_no_personal_id_number(site, settings, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    cast = Cast()
    signing_services.certificate_issue_dev(user=cast.leader)
    birth = journey(cast, birth_declaration(procedures=("permanent_residence", "health_insurance")))
    death = journey(cast, death_declaration(survivor=True))
    assert birth.state == "completed" and death.state == "completed"
    numbers = {p.id_number for p in Person.objects.filter(bundle__in=[birth, death]) if p.id_number}
    numbers.add(cast.citizen.id_number)
    assert len(numbers) >= 6  # mother, father, household head, child, deceased, beneficiary…
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        lines.append(repr({k: v for k, v in record.__dict__.items() if k not in ("msg", "args", "message")}))
    text = "\n".join(lines)
    assert len(caplog.records) > 20  # the journeys did log (requests, deliveries, callbacks)
    leaked = sorted(n for n in numbers if n in text)
    assert leaked == [], leaked
