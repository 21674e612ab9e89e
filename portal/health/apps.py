from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "portal.health"
    label = "health"
    verbose_name = _("Tình trạng hệ thống")
