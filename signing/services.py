"""Rendering, signing and verifying extracts. Bundle state changes go through
``registrations.services`` (so signing is audited and releases the next steps)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.accounts.constants import Role
from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.constants import ETHNICITIES, Group, PersonRole
from registrations.exceptions import NotPermitted, TransitionRefused, ValidationFailed
from registrations.models import Bundle

from . import pki
from .content import SIGNATURE_BOX, ExtractContent, vn_date

# reportlab and pyHanko (about 55 MB of a web worker's memory) are imported by the functions that draw,
# sign or check a PDF, not here: most web workers never do, and every worker imports this module.
from .models import Extract, ReissueRequest, SignerCertificate
from .pki.mount import test_pki

SEX = {"male": "Nam", "female": "Nữ"}


class SigningRefused(Exception):
    """The leader cannot sign now (no usable certificate, nothing to re-issue …); says why."""


# --- certificates -------------------------------------------------------------------------------


def certificate_for(user) -> SignerCertificate:
    """The leader's usable certificate: an active account, an active, unexpired certificate whose
    file is present."""
    if not user.is_active or user.role != Role.WARD_LEADER:
        raise SigningRefused("Chỉ lãnh đạo UBND cấp xã đang hoạt động mới được ký.")
    now = timezone.now()
    certificate = SignerCertificate.objects.filter(
        user=user, active=True, not_before__lte=now, not_after__gt=now
    ).first()
    if certificate is None or not Path(certificate.pkcs12_path).exists():
        raise SigningRefused("Tài khoản chưa có chứng thư ký số còn hiệu lực; liên hệ quản trị để được cấp.")
    return certificate


@transaction.atomic
def certificate_issue_dev(*, user) -> SignerCertificate:
    """A development certificate for a leader (``init_dev_pki``); replaces any active one."""
    ward = user.ward.name if user.ward_id else ""
    issued = pki.issue_signer(
        pki=test_pki(),
        passphrase=settings.SIGNING["passphrase"],
        username=user.username,
        full_name=user.full_name or user.username,
        organisation=f"UBND {ward}".strip(),
    )
    SignerCertificate.objects.filter(user=user, active=True).update(active=False)
    return SignerCertificate.objects.create(
        user=user,
        pkcs12_path=str(issued.path),
        subject=issued.subject,
        fingerprint_sha256=issued.fingerprint_sha256,
        not_before=issued.not_before,
        not_after=issued.not_after,
    )


def certificates_deactivate(*, user) -> int:
    return SignerCertificate.objects.filter(user=user, active=True).update(active=False)


# --- content ------------------------------------------------------------------------------------


def _person(bundle: Bundle, role: str):
    return next((p for p in bundle.people.all() if p.role == role), None)


def _place(ward) -> str:
    return ward.label if ward else ""


def extract_content(
    *,
    bundle: Bundle,
    title: str,
    signer_name: str,
    signer_title: str,
    signed_on: date,
    token: str,
    preview: bool = False,
) -> ExtractContent:
    """What an extract prints: the facts of DOMAIN.md §4 that belong on it, never an address of the
    family beyond what the civil-status book records."""
    rows: list[tuple[str, str]] = []
    notes: list[str] = []
    if bundle.group == Group.BIRTH:
        child, mother, father = (
            _person(bundle, r) for r in (PersonRole.CHILD, PersonRole.MOTHER, PersonRole.FATHER)
        )
        birth = bundle.birth
        rows += [
            ("Họ, chữ đệm, tên", child.full_name),
            ("Ngày, tháng, năm sinh", vn_date(child.date_of_birth)),
            ("Giới tính", SEX.get(child.sex, "")),
            ("Dân tộc", ETHNICITIES.get(child.ethnicity, "")),
            ("Quốc tịch", "Việt Nam" if child.nationality == "VN" else child.nationality),
            ("Nơi sinh", f"{birth.place_of_birth_facility}, {_place(birth.place_of_birth_ward)}"),
            ("Quê quán", birth.hometown),
            ("Số định danh cá nhân", child.id_number or "(sẽ bổ sung khi cơ quan công an cấp)"),
            ("Họ, chữ đệm, tên người mẹ", mother.full_name if mother else ""),
            ("Năm sinh của mẹ", f"{mother.date_of_birth:%Y}" if mother and mother.date_of_birth else ""),
            (
                "Dân tộc, quốc tịch của mẹ",
                f"{ETHNICITIES.get(mother.ethnicity, '')}, Việt Nam" if mother else "",
            ),
        ]
        if father and father.full_name:
            rows += [
                ("Họ, chữ đệm, tên người cha", father.full_name),
                ("Năm sinh của cha", f"{father.date_of_birth:%Y}" if father.date_of_birth else ""),
                ("Dân tộc, quốc tịch của cha", f"{ETHNICITIES.get(father.ethnicity, '')}, Việt Nam"),
            ]
        if not child.id_number:
            notes.append("Trích lục cấp khi chưa có số định danh cá nhân; sẽ được cấp lại khi có số.")
    else:
        deceased, death = _person(bundle, PersonRole.DECEASED), bundle.death
        rows += [
            ("Họ, chữ đệm, tên người chết", deceased.full_name),
            ("Ngày, tháng, năm sinh", vn_date(deceased.date_of_birth)),
            ("Giới tính", SEX.get(deceased.sex, "")),
            ("Dân tộc", ETHNICITIES.get(deceased.ethnicity, "")),
            ("Quốc tịch", "Việt Nam" if deceased.nationality == "VN" else deceased.nationality),
            ("Số định danh cá nhân", deceased.id_number or ""),
            (
                "Đã chết vào lúc",
                f"{death.time_of_death:%H giờ %M phút}, ngày {death.date_of_death:%d/%m/%Y}"
                if death.time_of_death
                else f"ngày {death.date_of_death:%d/%m/%Y}",
            ),
            ("Nơi chết", death.place_of_death),
            ("Nguyên nhân chết", death.cause_of_death),
            (
                "Giấy báo tử",
                f"Số {death.death_notice_number} do {death.death_notice_issuer} cấp ngày "
                f"{vn_date(death.death_notice_date)}",
            ),
        ]
    rows += [
        ("Nơi đăng ký", f"UBND {bundle.ward.label}"),
        (
            "Ngày đăng ký",
            vn_date(timezone.localtime(bundle.registered_at).date()) if bundle.registered_at else "",
        ),
    ]
    return ExtractContent(
        title=title,
        ward_name=bundle.ward.name,
        province_name=bundle.ward.province.full_name,
        registration_number=bundle.registration_number,
        registration_book=bundle.registration_book,
        rows=rows,
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title,
        verify_url=settings.SITE_URL + reverse("signing:verify", kwargs={"token": token}),
        preview=preview,
        notes=notes,
    )


def extract_title(bundle: Bundle, day: date) -> str:
    """The document's name is the law's in force on the day it is issued (from 1 March 2027 the
    death document is a "Giấy chứng tử")."""
    return bundle_selectors.catalogue_on(day=day, group=bundle.group).rule.extract_title


def extract_preview(*, bundle: Bundle, leader) -> bytes:
    bundle_services.bundle_check_may(action="sign", actor=leader, bundle=bundle)
    bundle = bundle_selectors.bundle_for_extract(bundle.pk)
    today = timezone.localdate()
    from . import render  # see the note at the imports

    return render.render(
        extract_content(
            bundle=bundle,
            title=extract_title(bundle, today),
            signer_name=leader.full_name,
            signer_title=leader.title,
            signed_on=today,
            token="xem-truoc",
            preview=True,
        )
    )


# --- signing ------------------------------------------------------------------------------------


def _issue(bundle: Bundle, leader, certificate: SignerCertificate, reason: str) -> Extract:
    """Render, sign and store a new current extract of ``bundle`` (locked by the caller)."""
    bundle = bundle_selectors.bundle_for_extract(bundle.pk)
    now = timezone.now()
    today = timezone.localdate(now)
    token = secrets.token_urlsafe(24)
    title = extract_title(bundle, today)
    from . import pdf, render  # see the note at the imports

    unsigned = render.render(
        extract_content(
            bundle=bundle,
            title=title,
            signer_name=leader.full_name,
            signer_title=leader.title,
            signed_on=today,
            token=token,
        )
    )
    signed = pdf.sign(
        pdf=unsigned,
        pkcs12_path=certificate.pkcs12_path,
        passphrase=settings.SIGNING["passphrase"],
        box=SIGNATURE_BOX,
        reason=f"{title} số {bundle.registration_number}",
        location=f"UBND {bundle.ward.name}",
        tsa_url=settings.SIGNING["tsa_url"],
        trust_roots=settings.SIGNING["trust_roots"],
    )
    previous = Extract.objects.select_for_update().filter(bundle=bundle, superseded_at__isnull=True).first()
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    extract = Extract(
        bundle=bundle,
        version=(previous.version + 1) if previous else 1,
        title=title,
        token=token,
        sha256=hashlib.sha256(signed).hexdigest(),
        signer=leader,
        signer_name=leader.full_name,
        signer_title=leader.title,
        certificate=certificate,
        signed_at=now,
        reason=reason,
        archived_until=pdf.archive_expiry(signed),
    )
    extract.pdf.save(f"{token}.pdf", ContentFile(signed), save=False)
    extract.save()
    return extract


@dataclass(frozen=True)
class SignOutcome:
    bundle: Bundle
    extract: Extract | None
    error: str = ""


def bundle_sign_extract(*, bundle: Bundle, leader) -> Extract:
    """The leader signs a registered bundle's extract: the bundle becomes signed (its next steps
    become due) and the signed PDF is stored, all in one transaction."""
    certificate = certificate_for(leader)
    with transaction.atomic():
        bundle = bundle_services.bundle_sign(bundle=bundle, actor=leader)
        return _issue(bundle, leader, certificate, reason="Cấp lần đầu")


def bundles_sign_batch(*, bundles: list[Bundle], leader) -> list[SignOutcome]:
    """Sign many; each bundle in its own transaction, so one refusal does not stop the others."""
    outcomes = []
    for bundle in bundles:
        try:
            outcomes.append(SignOutcome(bundle, bundle_sign_extract(bundle=bundle, leader=leader)))
        except Bundle.DoesNotExist:
            outcomes.append(SignOutcome(bundle, None, "Hồ sơ không thuộc phạm vi của tài khoản này."))
        except (ValidationFailed, NotPermitted, SigningRefused, TransitionRefused) as exc:
            detail = (
                "; ".join(m for ms in exc.errors.values() for m in ms)
                if isinstance(exc, ValidationFailed)
                else str(exc)
            )
            outcomes.append(SignOutcome(bundle, None, detail))
    return outcomes


def extract_reissue(*, bundle: Bundle, leader) -> Extract:
    """Sign a new extract that supersedes the current one (after a correction or a late personal ID)."""
    certificate = certificate_for(leader)
    with transaction.atomic():
        bundle_services.bundle_check_may(action="sign", actor=leader, bundle=bundle)
        request = (
            ReissueRequest.objects.select_for_update().filter(bundle=bundle, done_at__isnull=True).first()
        )
        if request is None:
            raise SigningRefused("Hồ sơ này không có yêu cầu cấp lại trích lục.")
        extract = _issue(bundle, leader, certificate, reason=request.reason)
        request.done_at = extract.signed_at
        request.save(update_fields=["done_at"])
        audit_record(
            stream=bundle_stream(bundle),
            action="extract.reissued",
            actor=leader,
            object_type="extract",
            object_id=extract.token[:8],
            data={"version": extract.version, "reason": request.reason},
        )
    return extract


def reissue_request(*, bundle: Bundle, reason: str) -> ReissueRequest | None:
    """Queue a re-issue for the leader, once per open need; only bundles that have an extract."""
    if not Extract.objects.filter(bundle=bundle).exists():
        return None
    request, _ = ReissueRequest.objects.get_or_create(
        bundle=bundle, done_at=None, defaults={"reason": reason}
    )
    return request


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadCheck:
    genuine: bool
    message: str


def extract_check_upload(*, extract: Extract, content: bytes) -> UploadCheck:
    """Is this file a copy of the document issued under this token (the current archive or a revision
    handed out before a renewal), with a signature the AdES long-term validation accepts?"""
    digest = hashlib.sha256(content).hexdigest()
    if digest != extract.sha256 and digest not in (extract.earlier_sha256 or []):
        return UploadCheck(
            False, "Tệp này KHÔNG phải bản gốc của trích lục: nội dung đã khác với bản được ký."
        )
    from . import pdf  # see the note at the imports

    # The archive holds the copy's bytes and every proof added since: it is what is validated.
    archive = content if digest == extract.sha256 else extract.pdf.open("rb").read()
    verdict = pdf.validate(archive, trust_roots=settings.SIGNING["trust_roots"])
    if not verdict.ok:
        return UploadCheck(False, "Chữ ký số trên tệp không hợp lệ hoặc không được tin cậy.")
    return UploadCheck(True, "Tệp đúng là bản gốc, chưa bị sửa đổi, chữ ký số hợp lệ.")
