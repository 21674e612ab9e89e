"""PAdES signatures with pyHanko: B-B, or B-T when a timestamp authority is configured; and their
validation against the configured trust roots."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator import ValidationContext

FIELD_NAME = "ChuKyLanhDao"


class _DrawnBelow(BaseStampStyle):
    """No appearance of pyHanko's own: the signature block is already drawn on the page (its TTF text
    stamps render letter-spaced in poppler)."""

    def create_stamp(self, writer, box, text_params):
        return None


@cache
def load_signer(path: str, passphrase: str, mtime: float) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=path, passphrase=passphrase.encode())
    if signer is None:
        raise ValueError("Không mở được tệp chứng thư ký số (sai mật khẩu hoặc tệp hỏng).")
    return signer


def sign(
    *,
    pdf: bytes,
    pkcs12_path: str,
    passphrase: str,
    box: tuple[int, int, int, int],
    reason: str,
    location: str,
    tsa_url: str = "",
) -> bytes:
    signer = load_signer(pkcs12_path, passphrase, Path(pkcs12_path).stat().st_mtime)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=0, box=box))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer, timestamper=timestamper, stamp_style=_DrawnBelow()
    )
    output = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=output)
    return output.getvalue()


@dataclass(frozen=True)
class Verdict:
    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    whole_document: bool
    signer: str

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.whole_document


@cache
def _roots(paths: tuple[str, ...]):
    return [load_cert_from_pemder(p) for p in paths if Path(p).exists()]


def validate(pdf: bytes, *, trust_roots: list[str]) -> Verdict:
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        embedded = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - anything unreadable is simply not a valid signed document
        return Verdict(False, False, False, False, False, "")
    if not embedded:
        return Verdict(False, False, False, False, False, "")
    context = ValidationContext(trust_roots=_roots(tuple(trust_roots)), allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded[-1], context)
    except (SignatureValidationError, ValueError):
        return Verdict(True, False, False, False, False, "")
    return Verdict(
        signed=True,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
    )
