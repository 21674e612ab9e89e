from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Hồ sơ liên thông")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import AgencyName, CatalogueVersion, GroupRule, Procedure
        from .models.catalogue import agency_names_forget
        from .selectors import catalogue_cache_clear
        from .services.proactive import on_certificate_received
        from .signals import certificate_received

        certificate_received.connect(on_certificate_received, dispatch_uid="proactive-registration")
        post_save.connect(agency_names_forget, sender=AgencyName, dispatch_uid="agency-names")
        post_delete.connect(agency_names_forget, sender=AgencyName, dispatch_uid="agency-names-del")

        for model in (CatalogueVersion, GroupRule, Procedure):
            post_save.connect(
                catalogue_cache_clear, sender=model, dispatch_uid=f"catalogue-cache-{model.__name__}"
            )
            post_delete.connect(
                catalogue_cache_clear, sender=model, dispatch_uid=f"catalogue-del-{model.__name__}"
            )
