"""Where each group is registered, by catalogue version:
- a birth at the residence of the father or the mother (Law on Civil Status 2014, Art. 13) until
  28 February 2027; from 1 March 2027 regardless of residence (Law 03/2026/QH16);
- a death at the last residence, or where that is not known, where the person died (Law on Civil
  Status 2014, Art. 32). The last residence is therefore no longer required as such: the rules ask for
  it or for the ward of death."""

from django.db import migrations

UNKNOWN_MAY_BE_BLANK = ("death.ward_code", "death.last_residence_address")


def apply(apps, schema_editor=None):
    GroupRule = apps.get_model("registrations", "GroupRule")
    Procedure = apps.get_model("registrations", "Procedure")
    GroupRule.objects.filter(version__code="LHT-2027", group="birth").update(registration_place="anywhere")
    for procedure in Procedure.objects.filter(code="death_registration"):
        kept = [path for path in procedure.required_fields if path not in UNKNOWN_MAY_BE_BLANK]
        if kept != procedure.required_fields:
            procedure.required_fields = kept
            procedure.save(update_fields=["required_fields"])


def revert(apps, schema_editor):
    GroupRule = apps.get_model("registrations", "GroupRule")
    Procedure = apps.get_model("registrations", "Procedure")
    GroupRule.objects.update(registration_place="residence")
    for procedure in Procedure.objects.filter(code="death_registration"):
        procedure.required_fields = [*procedure.required_fields, *UNKNOWN_MAY_BE_BLANK]
        procedure.save(update_fields=["required_fields"])


class Migration(migrations.Migration):
    dependencies = [("registrations", "0013_registration_place")]
    operations = [migrations.RunPython(apply, revert)]
