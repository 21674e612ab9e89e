"""What signing does when the core floor announces something."""

from . import services


def on_corrected(sender, bundle, correction, **kwargs) -> None:
    services.reissue_request(bundle=bundle, reason="Cải chính thông tin hộ tịch")


def on_step_completed(sender, bundle, procedure, **kwargs) -> None:
    if procedure == "personal_id" and bundle.extract_without_personal_id:
        services.reissue_request(bundle=bundle, reason="Bổ sung số định danh cá nhân")


def on_account_saved(sender, instance, created, **kwargs) -> None:
    """A deactivated account's certificates stop working at once."""
    if not created and not instance.is_active:
        services.certificates_deactivate(user=instance)
