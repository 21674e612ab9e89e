from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalPortalConfig(AppConfig):
    name = "interconnect.national_portal"
    label = "national_portal"
    verbose_name = _("Kết nối Cổng Dịch vụ công quốc gia")

    def ready(self) -> None:
        from registrations.signals import bundle_transitioned, step_transitioned

        from . import messages

        bundle_transitioned.connect(messages.on_bundle_transitioned, dispatch_uid="national-portal-bundle")
        step_transitioned.connect(messages.on_step_transitioned, dispatch_uid="national-portal-step")
