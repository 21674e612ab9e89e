"""What signing does when the core floor announces something."""

from . import services


def on_corrected(sender, bundle, correction, **kwargs) -> None:
    services.reissue_request(bundle=bundle, reason="Cải chính thông tin hộ tịch")


def on_step_completed(sender, bundle, procedure, **kwargs) -> None:
    if procedure == "personal_id" and bundle.extract_without_personal_id:
        services.reissue_request(bundle=bundle, reason="Bổ sung số định danh cá nhân")


def result_documents(sender, bundle, **kwargs) -> list[dict]:
    """The extract in force, for whoever reports the bundle's results (the national portal)."""
    from django.conf import settings
    from django.urls import reverse

    from .models import Extract

    extract = Extract.objects.filter(bundle=bundle, superseded_at__isnull=True).order_by("-version").first()
    if extract is None:
        return []
    url = settings.SITE_URL + reverse("signing:download", args=[extract.token])
    return [{"code": extract.token, "url": url, "title": extract.title}]


def on_account_saved(sender, instance, created, **kwargs) -> None:
    """A deactivated account's certificates stop working at once."""
    if not created and not instance.is_active:
        services.certificates_deactivate(user=instance)
