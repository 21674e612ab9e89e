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

import aiohttp
import requests
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import PdfTimeStamper, fields, signers, timestamps
from pyhanko.sign.ades.report import AdESStatus
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.csc_signer import CSCSigner
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


@dataclass(frozen=True)
class SignJob:
    """One document of a batch: the unsigned PDF and what its signature says."""

    pdf: bytes
    reason: str
    location: str


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
    """Sign one PDF as PAdES B-LTA with ``signer`` or the key of a PKCS#12 file. ``long_term=False``
    signs a bare B-B, only for the bench to compare against."""
    if signer is None:
        signer = load_signer(pkcs12_path, passphrase, Path(pkcs12_path).stat().st_mtime)
    (result,) = asyncio.run(
        async_sign_many(
            [SignJob(pdf, reason, location)],
            signer=signer, box=box, tsa_url=tsa_url, trust_roots=trust_roots, long_term=long_term,
        )
    )  # fmt: skip
    if isinstance(result, SignatureRefused):
        raise result
    return result


async def async_sign_many(
    jobs: list[SignJob],
    *,
    signer: signers.Signer,
    box: tuple[int, int, int, int],
    tsa_url: str,
    trust_roots: list[str],
    long_term: bool = True,
) -> list[bytes | SignatureRefused]:
    """Sign a batch with one signer, in pyHanko's interrupted stages: every document is checked and
    digested first (a revoked certificate is refused here, before anything is signed); then all the
    digests are signed together, which for a remote signer is one approval and one request; then each
    gets its signature timestamp, revocation data and document timestamp. A document refused at any
    stage is returned as its refusal, never half-signed."""
    if long_term and not tsa_url:
        raise ValueError("Chưa cấu hình dịch vụ cấp dấu thời gian (SIGNING_TSA_URL).")
    context = _fetching_context(trust_roots) if long_term else None
    try:
        prepared = await asyncio.gather(
            *(_prepare(job, signer, box, tsa_url, context, long_term) for job in jobs), return_exceptions=True
        )
        ready = [item for item in prepared if not isinstance(item, BaseException)]
        if isinstance(signer, CSCSigner):  # a remote signer: the whole batch in one request
            signer.batch_size = max(len(ready), 1)
        finished = iter(await asyncio.gather(*(_finish(item) for item in ready), return_exceptions=True))
        results = [item if isinstance(item, BaseException) else next(finished) for item in prepared]
    finally:
        if context is not None:
            await context.aclose()
    return [_outcome(result) for result in results]


_FAILURES = (SigningError, OSError, requests.RequestException, aiohttp.ClientError, asyncio.TimeoutError)


def _outcome(result) -> bytes | SignatureRefused:
    if isinstance(result, bytes):
        return result
    if isinstance(result, _FAILURES):  # refused, never half-signed
        logger.warning("signing.refused", extra={"reason": type(result).__name__})
        return _refusal(result)
    raise result


@dataclass
class _Prepared:
    session: object
    validation_info: object
    tbs: object
    digest: object
    output: io.BytesIO


async def _prepare(job: SignJob, signer, box, tsa_url: str, context, long_term: bool) -> _Prepared:
    writer = IncrementalPdfFileWriter(io.BytesIO(job.pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=0, box=box))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=job.reason,
        location=job.location,
        embed_validation_info=long_term,
        use_pades_lta=long_term,
        validation_context=context,
    )
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if long_term else None
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer, timestamper=timestamper, stamp_style=_DrawnBelow()
    )
    session = pdf_signer.init_signing_session(writer)
    validation_info = await session.perform_presign_validation(writer)
    reserved = await session.estimate_signature_container_size(validation_info, tight=False)
    tbs = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=reserved)
    digest, output = tbs.digest_tbs_document(output=io.BytesIO())
    return _Prepared(session, validation_info, tbs, digest, output)


async def _finish(item: _Prepared) -> bytes:
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    signed = await item.tbs.perform_signature(
        document_digest=item.digest.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(
            signing_time=item.session.system_time,
            adobe_revinfo_attr=getattr(item.validation_info, "adobe_revinfo_attr", None),
        ),
    )
    await signed.post_signature_processing(item.output)
    return item.output.getvalue()


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
