"""Applying the retention periods of settings.RETENTION_DAYS across apps: scans of closed bundles and
the interconnect message log. Civil-status records are never purged."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import ngettext

from interconnect.services import message_log_purge
from registrations.services import attachments_purge

logger = logging.getLogger("portal.retention")


def period_shown(days: int) -> str:
    """A retention period as people say it: whole years in years, anything else in days."""
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d năm", "%(count)d năm", years) % {"count": years}
    return ngettext("%(count)d ngày", "%(count)d ngày", days) % {"count": days}


def purge_expired() -> dict[str, int]:
    days = settings.RETENTION_DAYS
    result = {
        "attachments": attachments_purge(retention_days=days["attachments"]),
        "message_log": message_log_purge(retention_days=days["message_log"]),
    }
    logger.info("portal.retention.purged", extra=result)
    return result
