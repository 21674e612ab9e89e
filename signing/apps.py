from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = _("Ký số trích lục")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from registrations.signals import bundle_corrected, result_documents, step_completed

        from . import receivers

        bundle_corrected.connect(receivers.on_corrected, dispatch_uid="signing-reissue-corrected")
        step_completed.connect(receivers.on_step_completed, dispatch_uid="signing-reissue-personal-id")
        result_documents.connect(receivers.result_documents, dispatch_uid="signing-result-documents")
        post_save.connect(
            receivers.on_account_saved, sender=get_user_model(), dispatch_uid="signing-deactivate"
        )
