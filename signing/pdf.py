"""PAdES signatures with pyHanko: B-LTA (a signature timestamp, the revocation data of the whole chain in
the DSS, then a document timestamp), the renewal that keeps them provable after the time-stamping
certificate expires, and their validation by the AdES long-term procedure: at the time the embedded
timestamps prove, with the revocation data the document carries."""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import requests
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import PdfTimeStamper, fields, signers, timestamps
from pyhanko.sign.ades.report import AdESStatus
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import ades
from pyhanko.sign.validation.policy_decl import PdfSignatureValidationSpec, SignatureValidationSpec
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator import policy_decl as revinfo
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.registry import SimpleTrustManager

FIELD_NAME = "ChuKyLanhDao"
# A signature is checked against OCSP answers fetched a moment later; a minute covers a slow TSA.
CLOCK_TOLERANCE = timedelta(minutes=1)
logger = logging.getLogger(__name__)


class _DrawnBelow(BaseStampStyle):
    """No appearance of pyHanko's own: the signature block is already drawn on the page (its TTF text
    stamps render letter-spaced in poppler)."""

    def create_stamp(self, writer, box, text_params):
        return None


class SignatureRefused(Exception):
    """The signature could not be made; the message says why, in words a leader reads."""


def _refusal(exc: Exception) -> SignatureRefused:
    text = f"{exc} {exc.__cause__ or ''}".lower()
    if "revoked" in text:
        return SignatureRefused(
            "Chứng thư ký số đã bị tổ chức cung cấp dịch vụ chứng thực thu hồi; không thể ký. "
            "Liên hệ quản trị để được cấp chứng thư mới."
        )
    if "timestamp" in text or "connection" in text or "timed out" in text:
        return SignatureRefused(
            "Không kết nối được dịch vụ cấp dấu thời gian hoặc kiểm tra chứng thư; chưa ký hồ sơ nào. "
            "Vui lòng thử lại sau ít phút."
        )
    return SignatureRefused(
        "Không kiểm tra được tình trạng chứng thư ký số (hết hạn hoặc không xác minh được); "
        "chưa ký hồ sơ nào."
    )


@cache
def load_signer(path: str, passphrase: str, mtime: float) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=path, passphrase=passphrase.encode())
    if signer is None:
        raise ValueError("Không mở được tệp chứng thư ký số (sai mật khẩu hoặc tệp hỏng).")
    return signer


@cache
def _roots(paths: tuple[str, ...]):
    return [load_cert_from_pemder(p) for p in paths if Path(p).exists()]


def _fetching_context(trust_roots: list[str]) -> ValidationContext:
    """What the signer and the renewal use to gather revocation data: fetched from the CA's OCSP
    responders and CRLs named in the certificates, then embedded."""
    return ValidationContext(
        trust_roots=_roots(tuple(trust_roots)), allow_fetching=True, time_tolerance=CLOCK_TOLERANCE
    )


def sign(
    *,
    pdf: bytes,
    pkcs12_path: str = "",
    passphrase: str = "",
    signer: signers.Signer | None = None,
    box: tuple[int, int, int, int],
    reason: str,
    location: str,
    tsa_url: str,
    trust_roots: list[str],
    long_term: bool = True,
) -> bytes:
    """Sign as PAdES B-LTA with ``signer`` (a token's, a remote service's) or the key of a PKCS#12 file.
    Without a TSA there is no proof of time, so no B-LTA: refused. ``long_term=False`` signs a bare
    B-B, only for the bench to compare against."""
    if long_term and not tsa_url:
        raise ValueError("Chưa cấu hình dịch vụ cấp dấu thời gian (SIGNING_TSA_URL).")
    if signer is None:
        signer = load_signer(pkcs12_path, passphrase, Path(pkcs12_path).stat().st_mtime)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=0, box=box))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        embed_validation_info=long_term,
        use_pades_lta=long_term,
        validation_context=_fetching_context(trust_roots) if long_term else None,
    )
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if long_term else None
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer, timestamper=timestamper, stamp_style=_DrawnBelow()
    )
    output = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=output)
    except (SigningError, OSError, requests.RequestException) as exc:  # refused, never half-signed
        logger.warning("signing.refused", extra={"reason": type(exc).__name__})
        raise _refusal(exc) from exc
    return output.getvalue()


def renew_archive(pdf: bytes, *, tsa_url: str, trust_roots: list[str]) -> bytes:
    """Add the revocation data of the newest timestamp's chain and a new document timestamp, before
    that timestamp's certificate expires: the new one proves the old ones existed while valid."""
    buffer = io.BytesIO(pdf)
    reader = PdfFileReader(buffer)
    PdfTimeStamper(timestamps.HTTPTimeStamper(tsa_url)).update_archival_timestamp_chain(
        reader, _fetching_context(trust_roots)
    )
    return buffer.getvalue()


def archive_expiry(pdf: bytes) -> datetime | None:
    """When the newest document timestamp's certificate expires: renew before then."""
    reader = PdfFileReader(io.BytesIO(pdf))
    stamps = reader.embedded_timestamp_signatures
    if not stamps:
        return None
    return stamps[-1].signer_cert.not_valid_after


@dataclass(frozen=True)
class Verdict:
    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    whole_document: bool
    signer: str
    proven_at: datetime | None = None  # the earliest time the timestamps prove the signature existed
    long_term: bool = False  # B-LTA: timestamps and embedded revocation data

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.whole_document


NOT_SIGNED = Verdict(False, False, False, False, False, "")


def validation_spec(trust_roots: list[str]) -> PdfSignatureValidationSpec:
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(_roots(tuple(trust_roots))),
        revinfo_policy=revinfo.CertRevTrustPolicy(revocation_checking_policy=revinfo.REQUIRE_REVINFO),
        time_tolerance=CLOCK_TOLERANCE,
    )
    return PdfSignatureValidationSpec(
        signature_validation_spec=SignatureValidationSpec(cert_validation_policy=policy)
    )


def _nothing_but_archival_updates(status) -> bool:
    """The signature covers the whole file, or everything after it is revocation data and timestamps."""
    if status is None:
        return False
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    return status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.modification_level in (
        ModificationLevel.NONE,
        ModificationLevel.LTA_UPDATES,
    )


def validate(pdf: bytes, *, trust_roots: list[str]) -> Verdict:
    """The AdES long-term validation of the leader's signature (run in its own event loop)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        embedded = list(reader.embedded_regular_signatures)
    except Exception:  # noqa: BLE001 - anything unreadable is simply not a valid signed document
        return NOT_SIGNED
    if not embedded:
        return NOT_SIGNED
    signature = embedded[0]
    try:
        result = asyncio.run(
            ades.ades_lta_validation(signature, pdf_validation_spec=validation_spec(trust_roots))
        )
    except Exception:  # noqa: BLE001 - a broken structure fails validation, it does not crash the page
        logger.info("signing.validation.unreadable", exc_info=True)
        return Verdict(True, False, False, False, False, "")
    status = result.api_status
    passed = result.ades_subindic.status == AdESStatus.PASSED
    return Verdict(
        signed=True,
        intact=bool(status and status.intact),
        valid=passed and bool(status and status.valid),
        trusted=passed and bool(status and status.trusted),
        whole_document=_nothing_but_archival_updates(status),
        signer=status.signing_cert.subject.human_friendly if status and status.signing_cert else "",
        proven_at=result.best_signature_time if passed else None,
        long_term=bool(reader.embedded_timestamp_signatures),
    )
