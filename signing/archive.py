"""Keeping extracts valid for life: before the newest timestamp's certificate expires, add its
revocation data and a new document timestamp (PAdES B-LTA renewal). Each renewal is a new revision
of the stored file; copies handed out earlier stay recognisable by their hash."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream

from .models import Extract

logger = logging.getLogger(__name__)


def renewal_due_before(now: datetime) -> datetime:
    return now + timedelta(days=settings.SIGNING["renew_before_days"])


@transaction.atomic
def extract_renew_archive(*, extract_id: int) -> Extract:
    """One renewal, under the row's lock: two workers never stamp the same file at once."""
    from . import pdf  # reportlab and pyHanko only where a PDF is touched

    extract = Extract.objects.select_for_update().select_related("bundle").get(pk=extract_id)
    current = extract.pdf.open("rb").read()
    if extract.archived_until and extract.archived_until < timezone.now():
        # Too late for a proof of existence: the chain is already broken. Still stamped (it is the
        # best that can be done), and said loudly.
        logger.warning("signing.archive.renewed_late", extra={"extract": extract.token[:8]})
    renewed = pdf.renew_archive(
        current, tsa_url=settings.SIGNING["tsa_url"], trust_roots=settings.SIGNING["trust_roots"]
    )
    extract.earlier_sha256 = [*(extract.earlier_sha256 or []), extract.sha256]
    extract.sha256 = hashlib.sha256(renewed).hexdigest()
    extract.archived_until = pdf.archive_expiry(renewed)
    extract.pdf.save(f"{extract.token}-r{len(extract.earlier_sha256)}.pdf", ContentFile(renewed), save=False)
    extract.save(update_fields=["pdf", "sha256", "earlier_sha256", "archived_until"])
    audit_record(
        stream=bundle_stream(extract.bundle),
        action="extract.archive_renewed",
        object_type="extract",
        object_id=extract.token[:8],
        data={"version": extract.version, "until": extract.archived_until.isoformat()},
    )
    return extract


def extracts_renew_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Renew every extract, current or superseded, whose archive timestamp expires within the margin;
    each in its own transaction, the soonest first. Returns how many were renewed."""
    due_before = renewal_due_before(now or timezone.now())
    due = list(
        Extract.objects.filter(archived_until__lt=due_before)
        .order_by("archived_until")
        .values_list("pk", flat=True)[:limit]
    )
    renewed = 0
    for extract_id in due:
        try:
            extract_renew_archive(extract_id=extract_id)
        except Exception:  # noqa: BLE001 - one unreachable TSA answer must not stop the others
            logger.exception("signing.archive.renewal_failed", extra={"extract_id": extract_id})
        else:
            renewed += 1
    return renewed
