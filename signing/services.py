"""Rendering, signing and verifying extracts. Bundle state changes go through
``registrations.services`` (so signing is audited and releases the next steps)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record
from portal.audit.streams import bundle_stream
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.exceptions import NotPermitted, TransitionRefused, ValidationFailed
from registrations.models import Bundle

# The leader's key (signing/certificates.py), re-exported for the views and the commands.
from .certificates import (  # noqa: F401
    SigningRefused,
    certificate_for,
    certificate_issue_dev,
    certificate_issue_token,
    certificate_register_remote,
    certificates_deactivate,
    code_send,
    key_state,
    sign_with_key,
)
from .extract import extract_content

# reportlab and pyHanko (about 55 MB of a web worker's memory) are imported by the functions that draw,
# sign or check a PDF, not here: most web workers never do, and every worker imports this module.
from .models import Extract, KeyHolding, ReissueRequest, SignerCertificate

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


# --- signing ---------------------------------------------------------------------------------------
# Three stages, so that one approval covers a batch and no row is locked while a remote service is
# asked: every extract is drawn first, then all are signed together, then each is stored with its
# bundle's transition in a transaction of its own.


@dataclass(frozen=True)
class _Draft:
    bundle: Bundle
    title: str
    token: str
    now: datetime
    unsigned: bytes


def _draft(bundle: Bundle, leader) -> _Draft:
    current = bundle_selectors.bundle_for_extract(bundle.pk)
    now = timezone.now()
    today = timezone.localdate(now)
    token = secrets.token_urlsafe(24)
    title = extract_title(current, today)
    from . import render  # see the note at the imports

    content = extract_content(
        bundle=current, title=title, signer_name=leader.full_name, signer_title=leader.title,
        signed_on=today, token=token,
    )  # fmt: skip
    return _Draft(bundle, title, token, now, render.render(content))


def _signatures(drafts: list[_Draft], certificate: SignerCertificate, leader, *, pin, code) -> list:
    from . import pdf  # see the note at the imports

    jobs = [
        pdf.SignJob(
            pdf=draft.unsigned,
            reason=f"{draft.title} số {draft.bundle.registration_number}",
            location=f"UBND {draft.bundle.ward.name}",
        )
        for draft in drafts
    ]
    # What the provider shows on the leader's phone: how many, and where; no names leave the portal.
    description = f"UBND {drafts[0].bundle.ward.name}: ký {len(drafts)} trích lục"
    return sign_with_key(certificate, jobs, leader=leader, pin=pin, code=code, description=description)


def _store(draft: _Draft, leader, certificate, *, signed: bytes, reason: str) -> Extract:
    """The signed PDF as the bundle's new current extract (the caller holds the transaction)."""
    from . import pdf  # see the note at the imports

    previous = (
        Extract.objects.select_for_update().filter(bundle=draft.bundle, superseded_at__isnull=True).first()
    )
    if previous is not None:
        previous.superseded_at = draft.now
        previous.save(update_fields=["superseded_at"])
    extract = Extract(
        bundle=draft.bundle,
        version=(previous.version + 1) if previous else 1,
        title=draft.title,
        token=draft.token,
        sha256=hashlib.sha256(signed).hexdigest(),
        signer=leader,
        signer_name=leader.full_name,
        signer_title=leader.title,
        certificate=certificate,
        signed_at=draft.now,
        reason=reason,
        archived_until=pdf.archive_expiry(signed),
    )
    extract.pdf.save(f"{draft.token}.pdf", ContentFile(signed), save=False)
    extract.save()
    return extract


@dataclass(frozen=True)
class SignOutcome:
    bundle: Bundle
    extract: Extract | None
    error: str = ""
    waiting: bool = False  # beyond what one approval covers: left for the next one


@dataclass(frozen=True)
class ApprovalPlan:
    """What one approval covers, said before the leader is asked for it."""

    now: list[Bundle]
    later: list[Bundle]
    limit: int | None

    @property
    def chosen(self) -> int:
        return len(self.now) + len(self.later)

    @property
    def approvals(self) -> int:
        return 1 + (-(-len(self.later) // self.limit) if self.limit and self.later else 0)


def approval_plan(certificate: SignerCertificate | None, bundles: list[Bundle]) -> ApprovalPlan:
    limit = batch_limit(certificate)
    cut = limit or len(bundles)
    return ApprovalPlan(now=bundles[:cut], later=bundles[cut:], limit=limit)


_REFUSALS = (ValidationFailed, NotPermitted, SigningRefused, TransitionRefused, Bundle.DoesNotExist)


def _in_words(exc: Exception) -> str:
    if isinstance(exc, Bundle.DoesNotExist):
        return "Hồ sơ không thuộc phạm vi của tài khoản này."
    if isinstance(exc, ValidationFailed):
        return "; ".join(m for ms in exc.errors.values() for m in ms)
    return str(exc)


def _first_signing(draft: _Draft, leader, certificate, signed: bytes) -> Extract:
    with transaction.atomic():
        bundle_services.bundle_sign(bundle=draft.bundle, actor=leader)
        return _store(draft, leader, certificate, signed=signed, reason="Cấp lần đầu")


def bundle_sign_extract(
    *, bundle: Bundle, leader, pin: str | None = None, code: str | None = None
) -> Extract:
    """The leader signs a registered bundle's extract: the bundle becomes signed (its next steps
    become due) and the signed PDF is stored, all in one transaction."""
    certificate = certificate_for(leader)
    bundle_services.bundle_check_may(action="sign", actor=leader, bundle=bundle)
    draft = _draft(bundle, leader)
    (signed,) = _signatures([draft], certificate, leader, pin=pin, code=code)
    if isinstance(signed, str):
        raise SigningRefused(signed)
    return _first_signing(draft, leader, certificate, signed)


def batch_limit(certificate: SignerCertificate | None) -> int | None:
    """How many extracts one approval covers (a remote-signing provider's limit), None for no limit."""
    return (
        certificate.batch_limit if certificate is not None and certificate.holding == KeyHolding.CSC else None
    )


def bundles_sign_batch(
    *, bundles: list[Bundle], leader, pin: str | None = None, code: str | None = None
) -> list[SignOutcome]:
    """Sign many with one approval (one PIN, one code); each bundle is stored in its own transaction,
    so one refusal does not stop the others. A refused approval signs none. Beyond a remote
    provider's limit, the rest wait for the next approval."""
    try:
        certificate = certificate_for(leader)
    except SigningRefused as exc:
        return [SignOutcome(bundle, None, str(exc)) for bundle in bundles]
    plan = approval_plan(certificate, bundles)
    outcomes: dict[int, SignOutcome] = {}
    drafts = []
    for bundle in plan.now:
        try:
            bundle_services.bundle_check_may(action="sign", actor=leader, bundle=bundle)
            drafts.append(_draft(bundle, leader))
        except _REFUSALS as exc:
            outcomes[bundle.pk] = SignOutcome(bundle, None, _in_words(exc))
    try:
        signatures = _signatures(drafts, certificate, leader, pin=pin, code=code) if drafts else []
    except SigningRefused as exc:  # the approval itself was refused: none of them is signed
        signatures = [str(exc)] * len(drafts)
    for draft, signed in zip(drafts, signatures, strict=True):
        try:
            if isinstance(signed, str):
                raise SigningRefused(signed)
            outcomes[draft.bundle.pk] = SignOutcome(
                draft.bundle, _first_signing(draft, leader, certificate, signed)
            )
        except _REFUSALS as exc:
            outcomes[draft.bundle.pk] = SignOutcome(draft.bundle, None, _in_words(exc))
    later = f"Chưa ký: mỗi lần xác thực ký tối đa {plan.limit} trích lục; nhận mã mới để ký tiếp."
    return [outcomes.get(bundle.pk) or SignOutcome(bundle, None, later, waiting=True) for bundle in bundles]


def extract_reissue(*, bundle: Bundle, leader, pin: str | None = None, code: str | None = None) -> Extract:
    """Sign a new extract that supersedes the current one (after a correction or a late personal ID)."""
    certificate = certificate_for(leader)
    bundle_services.bundle_check_may(action="sign", actor=leader, bundle=bundle)
    open_requests = ReissueRequest.objects.filter(bundle=bundle, done_at__isnull=True)
    if not open_requests.exists():
        raise SigningRefused("Hồ sơ này không có yêu cầu cấp lại trích lục.")
    draft = _draft(bundle, leader)
    (signed,) = _signatures([draft], certificate, leader, pin=pin, code=code)
    if isinstance(signed, str):
        raise SigningRefused(signed)
    with transaction.atomic():
        request = open_requests.select_for_update().first()
        if request is None:  # done by someone else meanwhile
            raise SigningRefused("Hồ sơ này không có yêu cầu cấp lại trích lục.")
        extract = _store(draft, leader, certificate, signed=signed, reason=request.reason)
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
