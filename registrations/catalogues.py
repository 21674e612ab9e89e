"""Reads of the procedure catalogue: the procedures, rules and time limits in force on a day, as a
decree set them. Read through ``selectors`` like every other read of the core."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from portal.common.process_cache import ProcessCache

from .constants import Group
from .models import CatalogueVersion, GroupRule, Procedure


@dataclass(frozen=True)
class Catalogue:
    """One group's procedures and rules in one catalogue version."""

    version: CatalogueVersion
    rule: GroupRule
    procedures: dict[str, Procedure]  # in catalogue order

    @property
    def registration(self) -> Procedure:
        return next(p for p in self.procedures.values() if p.agency == "civil_status")

    def optional_codes(self) -> list[str]:
        return [code for code, p in self.procedures.items() if p.optional]


# The catalogue changes by decree, months ahead of its effective date, and is read by every submission.
_catalogues = ProcessCache(seconds=60)


def catalogue_cache_clear(**_) -> None:
    _catalogues.clear()


def catalogue_on(*, day: date, group: str) -> Catalogue:
    """The group's catalogue in force on ``day``."""
    return _catalogues.get((group, day), lambda: _catalogue_on(day=day, group=group))


def _catalogue_on(*, day: date, group: str) -> Catalogue:
    rule = (
        GroupRule.objects.select_related("version")
        .filter(group=group, version__effective_from__lte=day)
        .filter(Q(version__effective_to__isnull=True) | Q(version__effective_to__gt=day))
        .order_by("-version__effective_from")
        .first()
    )
    if rule is None:
        raise LookupError(f"Không có danh mục thủ tục nào có hiệu lực vào ngày {day:%d/%m/%Y}.")
    procedures = {
        p.code: p for p in Procedure.objects.filter(version=rule.version_id, group=group).order_by("position")
    }
    return Catalogue(version=rule.version, rule=rule, procedures=procedures)


def catalogue_version_on(day: date) -> CatalogueVersion:
    version = (
        CatalogueVersion.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise LookupError(f"Không có danh mục thủ tục nào có hiệu lực vào ngày {day:%d/%m/%Y}.")
    return version


def catalogue_for(*, version: CatalogueVersion, group: str) -> Catalogue:
    rule = GroupRule.objects.select_related("version").get(version=version, group=group)
    procedures = {
        p.code: p for p in Procedure.objects.filter(version=version, group=group).order_by("position")
    }
    return Catalogue(version=version, rule=rule, procedures=procedures)


def time_limits_on(day: date) -> dict:
    """The limits the catalogue in force sets, as the home page tells families: the legal windows, the
    birth group's working days (with verification), and the funeral allowance's by regime."""
    birth, death = catalogue_on(day=day, group=Group.BIRTH), catalogue_on(day=day, group=Group.DEATH)
    funeral = death.procedures.get("funeral_allowance")
    by_regime = (
        {
            regime: ((funeral.by_regime or {}).get(regime) or {}).get("days", funeral.time_limit_days)
            for regime in ("social_insurance", "social_protection", "meritorious")
        }
        if funeral
        else {}
    )
    return {
        "birth_window": birth.rule.legal_window_days,
        "birth_days": birth.rule.time_limit_days,
        "birth_verification_days": birth.rule.verification_time_limit_days or birth.rule.time_limit_days,
        "death_window": death.rule.legal_window_days,
        "funeral_days": by_regime,
    }
