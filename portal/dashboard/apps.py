from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "portal.dashboard"
    label = "dashboard"
    verbose_name = _("Bảng điều hành")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - keeps the roll-ups in step with every bundle and step change
