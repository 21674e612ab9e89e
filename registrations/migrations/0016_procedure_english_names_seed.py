"""The catalogue's procedures in English, so English pages read English (every version by code)."""

from django.db import migrations

ENGLISH = {
    "birth_registration": "Birth registration",
    "personal_id": "Personal identification number",
    "permanent_residence": "Permanent residence registration",
    "health_insurance": "Health insurance card for a child under 6",
    "child_id_card": "Identity card for a child under 6",
    "death_registration": "Death registration",
    "residence_removal": "Removal of permanent residence registration",
    "funeral_allowance": "Funeral allowance, funeral-cost support and survivor benefit",
}


def apply(apps, schema_editor=None):
    Procedure = apps.get_model("registrations", "Procedure")
    for code, name in ENGLISH.items():
        Procedure.objects.filter(code=code, name_en="").update(name_en=name)


class Migration(migrations.Migration):
    dependencies = [("registrations", "0015_procedure_english_names")]
    operations = [migrations.RunPython(apply, migrations.RunPython.noop)]
