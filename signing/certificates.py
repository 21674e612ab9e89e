"""A leader's signing key, held one of three ways (chosen per leader): a PKCS#12 file on the server, a
PKCS#11 token the key cannot leave (the PIN typed for each batch), or a remote-signing service over
the CSC API (a one-time code for each batch). Here: whether the key can sign now, the enrolment of
each holding, and the signer for one approval."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.accounts.constants import Role
from portal.audit.services import audit_record
from portal.audit.streams import user_stream

from . import pki
from .content import SIGNATURE_BOX
from .models import KeyHolding, SignerCertificate
from .pki.mount import test_pki


class SigningRefused(Exception):
    """The leader cannot sign now (no usable certificate, nothing to re-issue …); says why."""


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


def _organisation(user) -> str:
    return f"UBND {user.ward.name if user.ward_id else ''}".strip()


def _replace(*, user, issued, **holding) -> SignerCertificate:
    SignerCertificate.objects.filter(user=user, active=True).update(active=False)
    return SignerCertificate.objects.create(
        user=user,
        subject=issued.subject,
        fingerprint_sha256=issued.fingerprint_sha256,
        not_before=issued.not_before,
        not_after=issued.not_after,
        **holding,
    )


@transaction.atomic
def certificate_issue_dev(*, user) -> SignerCertificate:
    """A development certificate for a leader (``init_dev_pki``); replaces any active one."""
    issued = pki.issue_signer(
        pki=test_pki(), passphrase=settings.SIGNING["passphrase"], username=user.username,
        full_name=user.full_name or user.username, organisation=_organisation(user),
    )  # fmt: skip
    return _replace(user=user, issued=issued, pkcs12_path=str(issued.path))


@transaction.atomic
def certificate_issue_token(*, user, pin: str, so_pin: str) -> SignerCertificate:
    """A SoftHSM token for a leader with a key generated on it (demo and tests); replaces any active
    certificate. The PIN is the leader's to type; it is not kept."""
    from . import tokens

    label, issued = tokens.token_provision(
        pki=test_pki(), username=user.username, full_name=user.full_name or user.username,
        organisation=_organisation(user), pin=pin, so_pin=so_pin,
    )  # fmt: skip
    return _replace(
        user=user, issued=issued, holding=KeyHolding.PKCS11, token_label=label,
        key_label=tokens.KEY_LABEL, certificate_path=str(issued.path),
    )  # fmt: skip


@transaction.atomic
def certificate_register_pkcs12(*, user, path: str) -> SignerCertificate:
    """A PKCS#12 file a CA issued for the leader, kept on the server and opened with the portal's
    passphrase; replaces any active certificate."""
    from cryptography import x509

    from .pki.leaders import issued

    try:
        signer = _pkcs12_signer(path)
    except (ValueError, OSError) as exc:
        raise SigningRefused(f"Không mở được tệp PKCS#12 ({exc}).") from None
    certificate = x509.load_der_x509_certificate(signer.signing_cert.dump())
    return _replace(user=user, issued=issued(certificate, Path(path)), pkcs12_path=path)


@transaction.atomic
def certificate_register_token(
    *, user, token_label: str, key_label: str, certificate_path: str
) -> SignerCertificate:
    """A key generated on the leader's token (PKCS#11) and the certificate the CA issued for it; the
    key never leaves the token. Replaces any active certificate."""
    from cryptography import x509

    from .pki.leaders import issued

    try:
        certificate = x509.load_pem_x509_certificate(Path(certificate_path).read_bytes())
    except (ValueError, OSError):
        raise SigningRefused("Không đọc được tệp chứng thư (PEM) của khoá trên thiết bị.") from None
    return _replace(
        user=user, issued=issued(certificate, Path(certificate_path)), holding=KeyHolding.PKCS11,
        token_label=token_label, key_label=key_label, certificate_path=certificate_path,
    )  # fmt: skip


@transaction.atomic
def certificate_register_remote(*, user, credential_id: str) -> SignerCertificate:
    """A credential the remote-signing provider holds for the leader: its certificate and batch limit
    are asked of the provider (the key stays there); replaces any active certificate."""
    from . import csc

    try:
        credential = csc.credential_fetch(credential_id=credential_id)
    except csc.RemoteRefused as exc:
        raise SigningRefused(str(exc)) from None
    from cryptography.hazmat.primitives import hashes, serialization

    from .pki.leaders import issued

    certificate = credential.certificate
    folder = Path(settings.SIGNING["pki_dir"]) / "signers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"remote-{certificate.fingerprint(hashes.SHA256()).hex()[:16]}.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return _replace(
        user=user, issued=issued(certificate, path), holding=KeyHolding.CSC, credential_id=credential_id,
        certificate_path=str(path), batch_limit=credential.batch_limit,
    )  # fmt: skip


def certificates_deactivate(*, user) -> int:
    return SignerCertificate.objects.filter(user=user, active=True).update(active=False)


# --- the signer for one approval --------------------------------------------------------------------


def _pkcs12_signer(path: str):
    """The key of a PKCS#12 file on the server, opened with the portal's passphrase (cached per file)."""
    from . import pdf

    return pdf.load_signer(path, settings.SIGNING["passphrase"], Path(path).stat().st_mtime)


def _refused(leader, action: str, message: str) -> SigningRefused:
    audit_record(stream=user_stream(leader.pk), action=action, actor=leader, object_type="user",
                 object_id=leader.pk)  # fmt: skip
    return SigningRefused(message)


@contextmanager
def _local_signer(certificate: SignerCertificate, *, leader, pin: str | None):
    """The server's PKCS#12 file, or a session on the leader's token opened with the PIN typed for this
    batch (never kept, never logged)."""
    from . import tokens

    if certificate.holding == KeyHolding.PKCS12:
        yield _pkcs12_signer(certificate.pkcs12_path)
        return
    try:
        with tokens.token_signer(
            token_label=certificate.token_label, key_label=certificate.key_label,
            certificate_path=certificate.certificate_path, pin=pin or "",
        ) as signer:  # fmt: skip
            yield signer
    except tokens.WrongPin:
        raise _refused(
            leader, "signing.pin_refused", "Mã PIN của thiết bị ký số không đúng; chưa ký hồ sơ nào."
        ) from None
    except tokens.TokenUnavailable:
        raise SigningRefused(
            "Không mở được thiết bị ký số (chưa cắm, hoặc đã bị khoá); chưa ký hồ sơ nào."
        ) from None


def sign_with_key(
    certificate: SignerCertificate, jobs: list, *, leader, pin: str | None, code: str | None, description: str
) -> list:
    """Sign ``jobs`` (``pdf.SignJob``) under one approval; each result is the signed PDF or the refusal
    in words. A refused approval (a wrong PIN or code) raises :class:`SigningRefused`: nothing signed."""
    from . import csc, pdf

    common = {
        "box": SIGNATURE_BOX,
        "tsa_url": settings.SIGNING["tsa_url"],
        "trust_roots": settings.SIGNING["trust_roots"],
    }

    async def remotely():
        async with csc.remote_signer(
            credential_id=certificate.credential_id, fingerprint_sha256=certificate.fingerprint_sha256,
            code=code or "", description=description,
        ) as (signer, approval):  # fmt: skip
            return await pdf.async_sign_many(jobs, signer=signer, **common), approval.refusal

    if certificate.holding != KeyHolding.CSC:
        with _local_signer(certificate, leader=leader, pin=pin) as signer:
            results = asyncio.run(pdf.async_sign_many(jobs, signer=signer, **common))
    else:
        try:
            results, refusal = asyncio.run(remotely())
        except csc.RemoteRefused as exc:
            raise SigningRefused(str(exc)) from None
        if refusal:
            raise _refused(leader, "signing.code_refused", refusal)
    return [r if isinstance(r, bytes) else str(r) for r in results]


def code_send(*, leader) -> SignerCertificate:
    """Have the remote-signing provider send the leader a one-time code for the next batch."""
    from . import csc

    certificate = certificate_for(leader)
    if certificate.holding != KeyHolding.CSC:
        raise SigningRefused("Khoá ký của tài khoản này không dùng mã xác thực gửi qua điện thoại.")
    try:
        csc.code_send(credential_id=certificate.credential_id)
    except csc.RemoteRefused as exc:
        raise SigningRefused(str(exc)) from None
    return certificate
