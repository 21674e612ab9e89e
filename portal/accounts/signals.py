"""Sign-ins, failed sign-ins, sign-outs and account changes go to the audit trail, whatever screen or
command caused them (the admin included)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from portal.audit.services import audit_record
from portal.audit.streams import UNKNOWN_USER_STREAM, user_stream

User = get_user_model()
# Changes worth a record; values are logged for these, except the password (only that it changed).
TRACKED_FIELDS = ("username", "role", "ward_id", "province_id", "is_active", "is_superuser", "email", "title")


def account_event(*, user, action: str, actor=None, data: dict | None = None) -> None:
    """One event about an account, in that account's stream (by the account itself unless an
    ``actor`` such as an administrator acted on it)."""
    audit_record(
        stream=user_stream(user.pk),
        action=action,
        actor=actor or user,
        object_type="user",
        object_id=user.pk,
        data=data,
    )


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    method = getattr(request, "sign_in_method", None) or ("eid" if user.role == "citizen" else "password")
    account_event(user=user, action="auth.sign_in", data={"method": method})


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        account_event(user=user, action="auth.sign_out")


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django already masks the password in ``credentials``; only the username is kept.
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).only("pk").first() if username else None
    audit_record(
        stream=user_stream(user.pk) if user else UNKNOWN_USER_STREAM,
        action="auth.sign_in_failed",
        object_type="user",
        object_id=user.pk if user else "",
        data={"username": username},
    )


@receiver(pre_save, sender=User)
def _remember_previous(sender, instance, **kwargs):
    previous = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_previous = previous


@receiver(post_save, sender=User)
def _account_changed(sender, instance, created, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every sign-in touches last_login; the sign-in itself is recorded
    previous = getattr(instance, "_audit_previous", None)
    if created or previous is None:
        audit_record(
            stream=user_stream(instance.pk),
            action="account.created",
            object_type="user",
            object_id=instance.pk,
            data={f: getattr(instance, f) for f in TRACKED_FIELDS if f != "is_superuser"},
        )
        return
    changes = {
        f: [getattr(previous, f), getattr(instance, f)]
        for f in TRACKED_FIELDS
        if getattr(previous, f) != getattr(instance, f)
    }
    if previous.password != instance.password:
        changes["password"] = "changed"
    if changes:
        audit_record(
            stream=user_stream(instance.pk),
            action="account.changed",
            object_type="user",
            object_id=instance.pk,
            data=changes,
        )
