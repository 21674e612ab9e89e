"""Decree 63/2024/NĐ-CP's death group reads "…xóa đăng ký thường trú, hưởng chế độ tử tuất (trợ cấp
tuất và trợ cấp mai táng)/hỗ trợ chi phí mai táng/hưởng mai táng phí": the survivor benefit was part of
it before Decree 301/2026 too. The catalogue version in force until 1 September 2026 says so now."""

import importlib

from django.db import migrations

seeded = importlib.import_module("registrations.migrations.0002_seed_catalogue")


def survivor_benefit_in_2024(apps, schema_editor):
    GroupRule = apps.get_model("registrations", "GroupRule")
    Procedure = apps.get_model("registrations", "Procedure")
    GroupRule.objects.filter(version__code="ND63-2024", group="death").update(title=seeded.DEATH_TITLE_2024)
    for procedure in Procedure.objects.filter(version__code="ND63-2024", code="funeral_allowance"):
        by_regime = dict(procedure.by_regime or {})
        by_regime["social_insurance"] = {**by_regime.get("social_insurance", {}), "survivor_benefit": True}
        procedure.by_regime = by_regime
        procedure.save(update_fields=["by_regime"])


class Migration(migrations.Migration):
    dependencies = [("registrations", "0007_dated_benefit_amounts")]
    operations = [migrations.RunPython(survivor_benefit_in_2024, migrations.RunPython.noop)]
