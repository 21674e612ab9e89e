from django.apps import AppConfig


class RollingProbeConfig(AppConfig):
    name = "tests.rolling_probe"
    label = "rolling_probe"
    default_auto_field = "django.db.models.BigAutoField"
