"""The amounts the law pays after a death, read from dated data: the rule of the regime in force on
the day the law ties the amount to (the date of death), times the rate in force that day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import BenefitRate, FuneralBenefitRule


@dataclass(frozen=True)
class BenefitAmount:
    amount_vnd: int
    legal_basis: str  # the rule's text and the rate's decree, as the family's result names them


def funeral_amount(*, regime: str, day: date) -> BenefitAmount:
    """The funeral allowance (social insurance, meritorious people) or funeral-cost support (social
    protection) for a death on ``day``. LookupError when no rule or rate was in force then."""
    rule = (
        FuneralBenefitRule.objects.filter(regime=regime, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    if rule is None:
        raise LookupError(f"Không có quy định mai táng phí cho chế độ {regime} vào ngày {day:%d/%m/%Y}.")
    rate = (
        BenefitRate.objects.filter(code=rule.base, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    if rate is None:
        raise LookupError(f"Không có {rule.get_base_display().lower()} áp dụng vào ngày {day:%d/%m/%Y}.")
    shown = f"{rate.amount_vnd:,}".replace(",", ".")  # 2.530.000, as Vietnamese texts write it
    basis = (
        f"{rule.multiplier} lần {rule.get_base_display().lower()} ({shown} đồng, {rate.legal_basis}); "
        f"{rule.legal_basis}"
    )
    return BenefitAmount(amount_vnd=rule.multiplier * rate.amount_vnd, legal_basis=basis)
