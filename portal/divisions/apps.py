from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DivisionsConfig(AppConfig):
    name = "portal.divisions"
    label = "divisions"
    verbose_name = _("Đơn vị hành chính")
