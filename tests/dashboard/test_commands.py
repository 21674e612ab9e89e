"""Synthetic history and the rebuild command."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from interconnect.models import Attempt
from portal.dashboard.models import WardDay
from registrations.models import Bundle, Step
from tests.factories import NGHE_AN

pytestmark = pytest.mark.usefixtures("divisions")


def test_synthetic_bundles_are_rolled_up_and_a_rebuild_gives_the_same_counts(db, capsys):
    call_command("generate_synthetic", bundles=600, days=30, province=[NGHE_AN], batch=250)
    assert Bundle.objects.count() == 600 and Step.objects.count() > 1500 and Attempt.objects.exists()
    assert "rebuild_seconds=" in capsys.readouterr().out
    whole = WardDay.objects.filter(procedure="", agency="")
    assert whole.aggregate(n=Sum("received"))["n"] == 600
    completed = Bundle.objects.filter(state__in=("completed", "partially_completed")).count()
    assert whole.aggregate(n=Sum("completed"))["n"] == completed
    before = sorted(
        WardDay.objects.values_list(
            "ward_id", "day", "group", "procedure", "agency", "received", "steps_done"
        )
    )
    call_command("rebuild_rollups")
    after = sorted(
        WardDay.objects.values_list(
            "ward_id", "day", "group", "procedure", "agency", "received", "steps_done"
        )
    )
    assert before == after


def test_years_of_rollups_can_be_seeded_directly(db, capsys):
    call_command("generate_synthetic", rollups_only=1, province=[NGHE_AN], batch=5000)
    assert WardDay.objects.values("day").distinct().count() == 365
    assert WardDay.objects.values("ward_id").distinct().count() == 130
