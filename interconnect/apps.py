from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterconnectConfig(AppConfig):
    name = "interconnect"
    verbose_name = _("Liên thông cơ quan")

    def ready(self) -> None:
        from registrations.signals import step_due

        from .tasks import kick_relay

        step_due.connect(kick_relay, dispatch_uid="interconnect-kick-relay")
