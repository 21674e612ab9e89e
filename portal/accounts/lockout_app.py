"""django-axes under a name a person reads in the admin: it has none of its own but its label "Axes"."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LockoutConfig(AxesAppConfig):
    verbose_name = _("Chống dò mật khẩu")
