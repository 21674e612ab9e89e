from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rolling_probe", "0002_column_with_database_default")]
    operations = [
        migrations.CreateModel(
            name="Probe",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("note", models.CharField(blank=True, max_length=40)),
            ],
        ),
    ]
