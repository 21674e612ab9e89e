"""Only an agency's answer extends a time limit (Decree 63/2024/NĐ-CP): when the police say a
residence registration needs verification, that step and the bundle get 5 working days instead of 2
and 3, counted across the National Day break of 2026."""

from datetime import datetime

import pytest
import time_machine

from portal.workcalendar.rules import VIETNAM
from registrations import services
from registrations.models import Bundle, Step
from tests.registrations.helpers import birth_declaration
from tests.registrations.states import Cast, _send, build, step

pytestmark = pytest.mark.usefixtures("divisions")
FRIDAY_BEFORE_THE_BREAK = datetime(2026, 8, 28, 9, 0, tzinfo=VIETNAM)


def test_verification_needed_gives_five_working_days_across_the_break(db):
    with time_machine.travel(FRIDAY_BEFORE_THE_BREAK, tick=False):
        bundle = build("signed", Cast(), birth_declaration(procedures=["permanent_residence"]))
        residence = step(bundle, "permanent_residence")
        # Without verification: 2 working days from Friday, past 29 Aug – 2 Sep: Thursday 3, Friday 4.
        assert residence.deadline == datetime(2026, 9, 4, 17, 0, tzinfo=VIETNAM)
        assert Bundle.objects.get(pk=bundle.pk).due_at == datetime(2026, 9, 7, 17, 0, tzinfo=VIETNAM)
        _send(residence)
        residence.refresh_from_db()
        assert services.step_mark_accepted(
            step_id=residence.pk, attempt=residence.attempts, reference="CA-9", verification_needed=True
        )
    residence = Step.objects.get(pk=residence.pk)
    bundle = Bundle.objects.get(pk=bundle.pk)
    assert residence.state == "accepted" and bundle.verification_needed
    assert residence.deadline == datetime(2026, 9, 9, 17, 0, tzinfo=VIETNAM)  # 3, 4, 7, 8, 9 September
    assert bundle.due_at == datetime(2026, 9, 9, 17, 0, tzinfo=VIETNAM)


def test_an_answer_without_verification_leaves_the_limits_as_they_were(db):
    with time_machine.travel(FRIDAY_BEFORE_THE_BREAK, tick=False):
        bundle = build("signed", Cast(), birth_declaration(procedures=["permanent_residence"]))
        residence = step(bundle, "permanent_residence")
        _send(residence)
        residence.refresh_from_db()
        services.step_mark_accepted(step_id=residence.pk, attempt=residence.attempts, reference="CA-9")
    assert Step.objects.get(pk=residence.pk).deadline == datetime(2026, 9, 4, 17, 0, tzinfo=VIETNAM)
    assert not Bundle.objects.get(pk=bundle.pk).verification_needed
