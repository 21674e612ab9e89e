from django.db import migrations

from ._columns import WITH_DEFAULT


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("rolling_probe", "0001_nullable_column_everywhere")]
    operations = [migrations.RunPython(*WITH_DEFAULT)]
