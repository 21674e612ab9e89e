"""The amounts paid after a death follow the law in force on the date of death, as dated data."""

from datetime import date, datetime

import pytest

from portal.workcalendar.rules import VIETNAM
from registrations.benefits import funeral_amount

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.mark.parametrize(
    ("regime", "died", "amount"),
    [
        # Social Insurance Law 2014 Art. 66 / 2024 Art. 86: 10 × the reference level (lương cơ sở), which
        # Decree 73/2024/NĐ-CP set at 2,340,000 from 1 July 2024 and Decree 161/2026/NĐ-CP at 2,530,000
        # from 1 July 2026.
        ("social_insurance", date(2026, 6, 30), 23_400_000),
        ("social_insurance", date(2026, 7, 1), 25_300_000),
        ("social_insurance", date(2024, 6, 30), 18_000_000),  # 1,800,000 under Decree 24/2023/NĐ-CP
        # People with meritorious services (Decree 131/2021/NĐ-CP): derived from the same reference level.
        ("meritorious", date(2026, 6, 30), 23_400_000),
        ("meritorious", date(2026, 7, 1), 25_300_000),
        # Social protection (Decree 20/2021/NĐ-CP Art. 11): 20 × the social assistance standard, 360,000
        # and 500,000 from 1 July 2024 (Decree 76/2024/NĐ-CP).
        ("social_protection", date(2024, 6, 30), 7_200_000),
        ("social_protection", date(2024, 7, 1), 10_000_000),
        ("social_protection", date(2026, 11, 28), 10_000_000),
    ],
)
def test_the_funeral_amount_is_the_one_in_force_on_the_date_of_death(regime, died, amount):
    found = funeral_amount(regime=regime, day=died)
    assert found.amount_vnd == amount
    assert "Nghị định" in found.legal_basis or "Luật" in found.legal_basis


def test_a_date_before_any_rule_is_refused_not_guessed():
    with pytest.raises(LookupError):
        funeral_amount(regime="social_protection", day=date(2020, 1, 1))


def test_a_death_filed_under_the_2024_catalogue_may_ask_for_the_survivor_benefit(db):
    """Decree 63/2024/NĐ-CP (in force until 1 September 2026): the death group reads "…hưởng chế độ tử
    tuất (trợ cấp tuất và trợ cấp mai táng)/hỗ trợ chi phí mai táng/hưởng mai táng phí"."""
    import time_machine

    from registrations.models import Bundle
    from tests.registrations.helpers import death_declaration
    from tests.registrations.states import Cast, build

    with time_machine.travel(datetime(2026, 8, 14, 9, 0, tzinfo=VIETNAM), tick=False):
        bundle = build("in_review", Cast(), death_declaration(survivor=True, died=date(2026, 8, 12)))
    bundle = Bundle.objects.select_related("catalogue_version", "death").get(pk=bundle.pk)
    assert bundle.catalogue_version.code == "ND63-2024"
    assert bundle.state == "in_review" and bundle.death.survivor_benefit_requested
    assert "tử tuất" in bundle.catalogue_version.groups.get(group="death").title
