"""Messages to the family about their bundle. Sent after commit; a mail failure never undoes a
change (it is logged and the status page still tells the truth)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from .models import Bundle

logger = logging.getLogger("registrations.notifications")


def notify_requester(*, bundle: Bundle, subject: str, body: str) -> None:
    address = bundle.requester_email
    if not address:
        return
    text = f"{body}\n\nMã hồ sơ: {bundle.code}\nTheo dõi hồ sơ tại: {settings.SITE_URL}/\n"

    def send() -> None:
        try:
            send_mail(f"[{bundle.code}] {subject}", text, None, [address])
        except OSError:
            logger.warning("registrations.notify.failed", extra={"bundle": bundle.code})

    transaction.on_commit(send)
