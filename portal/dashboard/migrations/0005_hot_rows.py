# The ward-day rows are the hottest rows of the portal: every submission and every finished step adds
# to a few of them. Fewer indexes to write per update, room on each page for the new row version, and
# on PostgreSQL a vacuum after a fixed number of dead versions rather than a fifth of a small table.

import django.db.models.deletion
from django.db import migrations, models

STORAGE = (
    "ALTER TABLE dashboard_wardday SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0, "
    "autovacuum_vacuum_threshold = 5000, autovacuum_analyze_scale_factor = 0.05)"
)
DEFAULT_STORAGE = (
    "ALTER TABLE dashboard_wardday RESET (fillfactor, autovacuum_vacuum_scale_factor, "
    "autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor)"
)


def postgresql_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("dashboard", "0004_counters_default_zero_in_database"),
        ("divisions", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="wardday",
            name="ward",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="divisions.ward",
            ),
        ),
        migrations.RunPython(postgresql_only(STORAGE), postgresql_only(DEFAULT_STORAGE)),
    ]
