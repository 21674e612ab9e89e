from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        from . import signals  # noqa: F401
