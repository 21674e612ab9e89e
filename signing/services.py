"""Rendering, signing and verifying extracts. Bundle state changes go through
``registrations.services`` (so signing is audited and releases the next steps)."""

from __future__ import annotations

import hashlib
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.accounts.constants import Role
from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream, user_stream
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.exceptions import NotPermitted, TransitionRefused, ValidationFailed
from registrations.models import Bundle

from . import pki
from .content import SIGNATURE_BOX
from .extract import extract_content

# reportlab and pyHanko (about 55 MB of a web worker's memory) are imported by the functions that draw,
# sign or check a PDF, not here: most web workers never do, and every worker imports this module.
from .models import Extract, KeyHolding, ReissueRequest, SignerCertificate
from .pki.mount import test_pki


class SigningRefused(Exception):
    """The leader cannot sign now (no usable certificate, nothing to re-issue …); says why."""


# --- certificates -------------------------------------------------------------------------------


def key_state(user) -> tuple[SignerCertificate | None, str]:
    """The leader's active certificate and why it cannot sign now ("" when it can), in one read."""
    if not user.is_active or user.role != Role.WARD_LEADER:
        return None, "Chỉ lãnh đạo UBND cấp xã đang hoạt động mới được ký."
    certificate = SignerCertificate.objects.filter(user=user, active=True).first()
    now = timezone.now()
    if (
        certificate is None
        or not certificate.not_before <= now < certificate.not_after
        or not Path(certificate.pkcs12_path or certificate.certificate_path).exists()
    ):
        return certificate, "Tài khoản chưa có chứng thư ký số còn hiệu lực; liên hệ quản trị để được cấp."
    if certificate.suspended_at is not None:
        since = timezone.localtime(certificate.suspended_at)
        return certificate, (
            f"Quyền ký số của tài khoản đang tạm dừng từ {since:%d/%m/%Y}: {certificate.suspended_reason}"
        )
    return certificate, ""


def certificate_for(user) -> SignerCertificate:
    """The leader's usable certificate: an active account, an active, unexpired, not suspended
    certificate whose file is present."""
    certificate, problem = key_state(user)
    if problem:
        raise SigningRefused(problem)
    return certificate


@transaction.atomic
def certificate_issue_token(*, user, pin: str, so_pin: str) -> SignerCertificate:
    """A SoftHSM token for a leader with a key generated on it (demo and tests); replaces any active
    certificate. The PIN is the leader's to type; it is not kept."""
    from . import tokens

    ward = user.ward.name if user.ward_id else ""
    label, issued = tokens.token_provision(
        pki=test_pki(), username=user.username, full_name=user.full_name or user.username,
        organisation=f"UBND {ward}".strip(), pin=pin, so_pin=so_pin,
    )  # fmt: skip
    SignerCertificate.objects.filter(user=user, active=True).update(active=False)
    return SignerCertificate.objects.create(
        user=user,
        holding=KeyHolding.PKCS11,
        token_label=label,
        key_label=tokens.KEY_LABEL,
        certificate_path=str(issued.path),
        subject=issued.subject,
        fingerprint_sha256=issued.fingerprint_sha256,
        not_before=issued.not_before,
        not_after=issued.not_after,
    )


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


# --- content: signing/extract.py ------------------------------------------------------------------


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


def _issue(bundle: Bundle, leader, certificate: SignerCertificate, reason: str, signer=None) -> Extract:
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
    try:
        signed = _signed(pdf, unsigned, bundle, certificate, title, signer)
    except pdf.SignatureRefused as exc:
        raise SigningRefused(str(exc)) from exc
    previous = Extract.objects.select_for_update().filter(bundle=bundle, superseded_at__isnull=True).first()
    return _store(
        bundle, leader, certificate, previous, signed=signed, title=title, token=token, now=now, reason=reason
    )


def _signed(
    pdf, unsigned: bytes, bundle: Bundle, certificate: SignerCertificate, title: str, signer
) -> bytes:
    return pdf.sign(
        pdf=unsigned,
        signer=signer,
        pkcs12_path=certificate.pkcs12_path,
        passphrase=settings.SIGNING["passphrase"],
        box=SIGNATURE_BOX,
        reason=f"{title} số {bundle.registration_number}",
        location=f"UBND {bundle.ward.name}",
        tsa_url=settings.SIGNING["tsa_url"],
        trust_roots=settings.SIGNING["trust_roots"],
    )


def _store(bundle, leader, certificate, previous, *, signed: bytes, title: str, token: str, now, reason: str):
    from . import pdf  # see the note at the imports

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


@contextmanager
def _key_of(certificate: SignerCertificate, *, leader, pin: str | None):
    """The key for one approval: the server's PKCS#12 file (None: pdf.sign opens it), or a session on
    the leader's token opened with the PIN typed for this batch (never kept, never logged)."""
    if certificate.holding != KeyHolding.PKCS11:
        yield None
        return
    from . import tokens

    try:
        with tokens.token_signer(
            token_label=certificate.token_label,
            key_label=certificate.key_label,
            certificate_path=certificate.certificate_path,
            pin=pin or "",
        ) as signer:
            yield signer
    except tokens.WrongPin:
        audit_record(stream=user_stream(leader.pk), action="signing.pin_refused", actor=leader,
                     object_type="user", object_id=leader.pk)  # fmt: skip
        raise SigningRefused("Mã PIN của thiết bị ký số không đúng; chưa ký hồ sơ nào.") from None
    except tokens.TokenUnavailable:
        raise SigningRefused(
            "Không mở được thiết bị ký số (chưa cắm, hoặc đã bị khoá); chưa ký hồ sơ nào."
        ) from None


def bundle_sign_extract(*, bundle: Bundle, leader, pin: str | None = None) -> Extract:
    """The leader signs a registered bundle's extract: the bundle becomes signed (its next steps
    become due) and the signed PDF is stored, all in one transaction."""
    certificate = certificate_for(leader)
    with _key_of(certificate, leader=leader, pin=pin) as signer:
        return _sign_one(bundle, leader, certificate, signer)


def _sign_one(bundle: Bundle, leader, certificate: SignerCertificate, signer) -> Extract:
    with transaction.atomic():
        bundle = bundle_services.bundle_sign(bundle=bundle, actor=leader)
        return _issue(bundle, leader, certificate, reason="Cấp lần đầu", signer=signer)


def bundles_sign_batch(*, bundles: list[Bundle], leader, pin: str | None = None) -> list[SignOutcome]:
    """Sign many with one approval (the PIN opens the token once); each bundle in its own transaction,
    so one refusal does not stop the others. A refused approval signs none."""
    try:
        certificate = certificate_for(leader)
        with _key_of(certificate, leader=leader, pin=pin) as signer:
            return _sign_each(bundles, leader, certificate, signer)
    except SigningRefused as exc:  # the approval itself was refused: none of them is signed
        return [SignOutcome(bundle, None, str(exc)) for bundle in bundles]


def _sign_each(bundles: list[Bundle], leader, certificate: SignerCertificate, signer) -> list[SignOutcome]:
    outcomes = []
    for bundle in bundles:
        try:
            outcomes.append(SignOutcome(bundle, _sign_one(bundle, leader, certificate, signer)))
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


def extract_reissue(*, bundle: Bundle, leader, pin: str | None = None) -> Extract:
    """Sign a new extract that supersedes the current one (after a correction or a late personal ID)."""
    certificate = certificate_for(leader)
    with _key_of(certificate, leader=leader, pin=pin) as signer, transaction.atomic():
        bundle_services.bundle_check_may(action="sign", actor=leader, bundle=bundle)
        request = (
            ReissueRequest.objects.select_for_update().filter(bundle=bundle, done_at__isnull=True).first()
        )
        if request is None:
            raise SigningRefused("Hồ sơ này không có yêu cầu cấp lại trích lục.")
        extract = _issue(bundle, leader, certificate, reason=request.reason, signer=signer)
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


# --- verification: signing/verification.py (re-exported for the views and the API) -------------

from .verification import NameCheck, UploadCheck, extract_check_name, extract_check_upload  # noqa: E402, F401
