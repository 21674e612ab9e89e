from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "portal.dashboard"
    label = "dashboard"
    verbose_name = "Bảng điều hành"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - keeps the roll-ups in step with every bundle and step change
