"""Who may see which rows. Every model that belongs to a ward declares how to reach it; ``for_user``
turns that into a filter, so a clerk of one ward can never read, list, count or guess another ward's
rows, and a citizen sees only what they own. Views and admin classes call it before anything else."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class JurisdictionPaths:
    """ORM paths from a model to its ward, its province(s) and its owning citizen."""

    ward: str | None = None
    provinces: tuple[str, ...] = ()
    owner: str | None = None


def jurisdiction_q(model: type[models.Model], user) -> Q | None:
    """The filter for ``user`` on ``model``; None means every row; Q(pk__in=[]) means none."""
    from .constants import PROVINCE_ROLES, WARD_ROLES, Role

    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    if user.is_superuser or user.role == Role.ADMIN:
        return None
    paths: JurisdictionPaths | None = getattr(model, "jurisdiction", None)
    if paths is None:
        raise TypeError(f"{model.__name__} declares no jurisdiction; it cannot be scoped to a user.")
    if user.role in WARD_ROLES and paths.ward and user.ward_id:
        return Q(**{paths.ward: user.ward_id})
    if user.role in PROVINCE_ROLES and user.province_id:
        provinces = paths.provinces or ((f"{paths.ward}__province",) if paths.ward else ())
        if provinces:
            return reduce(or_, (Q(**{p: user.province_id}) for p in provinces))
    if user.role == Role.CITIZEN and paths.owner:
        return Q(**{paths.owner: user.pk})
    return nothing


def scope_for_user(queryset: models.QuerySet, user) -> models.QuerySet:
    condition = jurisdiction_q(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


class JurisdictionQuerySet(models.QuerySet):
    def for_user(self, user) -> JurisdictionQuerySet:
        return scope_for_user(self, user)
