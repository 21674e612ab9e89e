"""Loading the administrative divisions from the ``vietnam-provinces`` package."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import Province, Ward
from .selectors import wards_forget


@dataclass(frozen=True)
class LoadReport:
    provinces_created: int
    provinces_updated: int
    wards_created: int
    wards_updated: int

    @property
    def changed(self) -> bool:
        return any((self.provinces_created, self.provinces_updated, self.wards_created, self.wards_updated))


def _sync(model, rows: dict[int, dict]) -> tuple[int, int]:
    """Create missing rows and update changed ones; a second run touches nothing."""
    fields = next(iter(rows.values())).keys()
    existing = {obj.pk: obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(pk=code, **values))
        elif any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, list(fields), batch_size=500)
    return len(to_create), len(to_update)


@transaction.atomic
def divisions_load(*, province_codes: set[int] | None = None) -> LoadReport:
    """Load every province and ward (or only those of ``province_codes``, for small test fixtures)."""
    from vietnam_provinces import Province as SourceProvince
    from vietnam_provinces import Ward as SourceWard

    provinces = {
        int(p.code): {"name": p.name, "division_type": p.division_type.value, "codename": p.codename}
        for p in SourceProvince.iter_all()
        if province_codes is None or int(p.code) in province_codes
    }
    wards = {
        int(w.code): {
            "name": w.name,
            "division_type": w.division_type.value,
            "codename": w.codename,
            "province_id": int(w.province_code),
        }
        for w in SourceWard.iter_all()
        if province_codes is None or int(w.province_code) in province_codes
    }
    p_created, p_updated = _sync(Province, provinces)
    w_created, w_updated = _sync(Ward, wards)
    # This process's picker and checks see the new list at once (other processes within minutes):
    # forgotten now for this transaction's own reads, and again once the rows are committed.
    wards_forget()
    transaction.on_commit(wards_forget)
    return LoadReport(p_created, p_updated, w_created, w_updated)
