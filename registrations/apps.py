from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "Hồ sơ liên thông"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import CatalogueVersion, GroupRule, Procedure
        from .selectors import catalogue_cache_clear

        for model in (CatalogueVersion, GroupRule, Procedure):
            post_save.connect(
                catalogue_cache_clear, sender=model, dispatch_uid=f"catalogue-cache-{model.__name__}"
            )
            post_delete.connect(
                catalogue_cache_clear, sender=model, dispatch_uid=f"catalogue-del-{model.__name__}"
            )
