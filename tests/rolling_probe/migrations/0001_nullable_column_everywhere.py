from django.db import migrations

from ._columns import DEPENDENCIES, NULLABLE


class Migration(migrations.Migration):
    # One table at a time, each ALTER committed on its own: a release's expand step holds no table's
    # lock while it waits for the next one, so it cannot deadlock with the requests still running.
    atomic = False
    dependencies = DEPENDENCIES
    operations = [migrations.RunPython(*NULLABLE)]
