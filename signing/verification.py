"""What the public verification page answers someone holding a copy: is this file the document the
ward issued (still in force, or superseded by a later issue), and is the name on my paper copy the
name on the record, without the page ever showing that name."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext

from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream
from portal.common.ratelimit import rate_exceeded
from registrations.selectors import SUBJECT_ROLES

from .models import Extract


@dataclass(frozen=True)
class UploadCheck:
    genuine: bool
    message: str
    superseded_by: Extract | None = None  # genuine, but a later issue is the one in force

    @property
    def look(self) -> str:
        if not self.genuine:
            return "error-summary"
        return "notice-summary" if self.superseded_by else "ok-summary"


def _current(extract: Extract) -> Extract | None:
    if extract.superseded_at is None:
        return None
    return Extract.objects.filter(bundle_id=extract.bundle_id, superseded_at__isnull=True).first()


def extract_check_upload(*, extract: Extract, content: bytes) -> UploadCheck:
    """Is this file a copy of the document issued under this token (the current archive or a revision
    handed out before a renewal), with a signature the AdES long-term validation accepts?"""
    digest = hashlib.sha256(content).hexdigest()
    if digest != extract.sha256 and digest not in (extract.earlier_sha256 or []):
        return UploadCheck(
            False, gettext("Tệp này KHÔNG phải bản gốc của trích lục: nội dung đã khác với bản được ký.")
        )
    from . import pdf  # reportlab and pyHanko only where a PDF is touched

    # The archive holds the copy's bytes and every proof added since: it is what is validated.
    archive = content if digest == extract.sha256 else extract.pdf.open("rb").read()
    verdict = pdf.validate(archive, trust_roots=settings.SIGNING["trust_roots"])
    if not verdict.ok:
        return UploadCheck(False, gettext("Chữ ký số trên tệp không hợp lệ hoặc không được tin cậy."))
    current = _current(extract)
    if current is not None:
        return UploadCheck(
            True,
            gettext(
                "Tệp đúng là bản gốc của lần cấp thứ %(version)d, chữ ký số hợp lệ, nhưng bản này đã được "
                "thay thế: bản đang có hiệu lực là lần cấp thứ %(current)d, ký ngày %(signed)s."
            )
            % {
                "version": extract.version,
                "current": current.version,
                "signed": f"{current.signed_at:%d/%m/%Y}",
            },
            superseded_by=current,
        )
    return UploadCheck(True, gettext("Tệp đúng là bản gốc, chưa bị sửa đổi, chữ ký số hợp lệ."))


def comparable_name(value: str) -> str:
    """A name as compared: composed (NFC), spaces collapsed, case folded; the diacritics stay
    (Lê and Lễ are two names)."""
    return " ".join(unicodedata.normalize("NFC", value or "").split()).casefold()


@dataclass(frozen=True)
class NameCheck:
    matches: bool | None  # None: not checked (refused before comparing)
    message: str


def extract_check_name(*, extract: Extract, typed: str, address: str) -> NameCheck:
    """Match or no match for the name typed against the extract's child or deceased. Counted per
    address (``RATE_LIMITS["name_check"]``) so names cannot be guessed in bulk; each check audited
    with its outcome, never with the name typed."""
    if not comparable_name(typed):
        return NameCheck(None, gettext("Vui lòng nhập họ, chữ đệm và tên như trên bản giấy."))
    wait = rate_exceeded(scope="name_check", ident=address)
    if wait is not None:
        return NameCheck(
            None,
            gettext("Đã kiểm tra quá nhiều lần; vui lòng thử lại sau %(minutes)d phút.")
            % {"minutes": max(1, round(wait / 60))},
        )
    subject = extract.bundle.people.filter(role__in=SUBJECT_ROLES).values_list("full_name", flat=True).first()
    matches = comparable_name(typed) == comparable_name(subject or "")
    audit_record(
        stream=bundle_stream(extract.bundle),
        action="extract.name_checked",
        object_type="extract",
        object_id=extract.token[:8],
        data={"matches": matches},
    )
    if matches:
        return NameCheck(True, gettext("Khớp: họ tên Anh/Chị nhập trùng với họ tên trên trích lục."))
    return NameCheck(False, gettext("Không khớp: họ tên Anh/Chị nhập khác với họ tên trên trích lục."))
