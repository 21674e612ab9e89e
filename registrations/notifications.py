"""Messages to the family about their bundle. Sent after commit; a mail failure never undoes a
change (it is logged and the status page still tells the truth)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from .models import Bundle

logger = logging.getLogger("registrations.notifications")


def mail_after_commit(*, to: str, subject: str, body: str, log_extra: dict | None = None) -> None:
    """One e-mail, sent only once the change it tells about has committed; a failure is logged."""

    def send() -> None:
        try:
            send_mail(subject, body, None, [to])
        except OSError:
            logger.warning("registrations.notify.failed", extra=log_extra or {})

    transaction.on_commit(send)


def notify_requester(*, bundle: Bundle, subject: str, body: str) -> None:
    address = bundle.requester_email
    if not address:
        return
    text = f"{body}\n\nMã hồ sơ: {bundle.code}\nTheo dõi hồ sơ tại: {settings.SITE_URL}/\n"
    mail_after_commit(
        to=address, subject=f"[{bundle.code}] {subject}", body=text, log_extra={"bundle": bundle.code}
    )
