"""What a facility's certificate says about a family's declaration: where each kind's facts sit,
whether the declared number and person match what the facility sent, and what it fills in."""

from __future__ import annotations

import json
from dataclasses import dataclass

from portal.common.crypto import lookup_hmac

from ..constants import AttachmentKind, CertificateKind, CertificateStatus
from . import selectors
from .models import MedicalCertificate


@dataclass(frozen=True)
class KindSpec:
    """Where one kind of certificate's facts sit: in what the facility sends (``number_field``,
    ``subject_field``, ``event_date_field``) and in a family's declaration (``declared_number``,
    ``declared_subject_id``), the scan it stands in for, and how it is named to people."""

    number_field: str
    subject_field: str
    event_date_field: str
    declared_number: str
    declared_subject_id: str
    scan_kind: str
    label: str
    subject_label: str

    def declared(self, declaration: dict, path: str) -> str:
        section, key = path.split(".")
        return ((declaration.get(section) or {}).get(key) or "").strip()


# Keyed by kind, whose values are the bundle groups' ("birth", "death"): a bundle's group finds its own.
KINDS = {
    CertificateKind.BIRTH: KindSpec(
        number_field="certificate_number",
        subject_field="mother",
        event_date_field="child.date_of_birth",
        declared_number="birth.medical_birth_certificate_number",
        declared_subject_id="mother.id_number",
        scan_kind=AttachmentKind.MEDICAL_BIRTH_CERTIFICATE,
        label="giấy chứng sinh",
        subject_label="của mẹ",
    ),
    CertificateKind.DEATH: KindSpec(
        number_field="notice_number",
        subject_field="deceased",
        event_date_field="date_of_death",
        declared_number="death.death_notice_number",
        declared_subject_id="deceased.id_number",
        scan_kind=AttachmentKind.DEATH_NOTICE,
        label="giấy báo tử",
        subject_label="của người chết",
    ),
}


# --- checking what a family declares ------------------------------------------------------------


@dataclass(frozen=True)
class CertificateCheck:
    """How a bundle's certificate number compares with what the facility sent."""

    kind: str
    status: str  # CertificateStatus value
    number: str = ""
    certificate: MedicalCertificate | None = None

    @property
    def verified(self) -> bool:
        return self.status == CertificateStatus.VERIFIED

    @property
    def number_field(self) -> str:
        return KINDS[self.kind].declared_number

    def message(self) -> str:
        spec = KINDS[self.kind]
        if self.status == CertificateStatus.VERIFIED:
            return (
                f"Đã xác minh {spec.label} điện tử số {self.number} do {self.certificate.facility.name} gửi: "
                "không cần đính kèm bản chụp."
            )
        if self.status == CertificateStatus.MISMATCH:
            return (
                f"Số định danh {spec.subject_label} khác với {spec.label} điện tử số {self.number} "
                "mà cơ sở y tế đã gửi. Hãy kiểm tra lại; nếu số đã khai đúng, đính kèm bản chụp giấy "
                "và cán bộ sẽ xem xét."
            )
        if self.status == CertificateStatus.NOT_RECEIVED:
            return f"Cổng chưa nhận được {spec.label} điện tử số {self.number}: hãy đính kèm bản chụp giấy."
        return ""


def certificate_check(*, group: str, declaration: dict) -> CertificateCheck:
    """Verified when the facility sent this number and its mother's (or deceased's) personal ID
    number is the one declared; a mismatch is reported, never silently accepted."""
    kind = CertificateKind(group)
    spec = KINDS[kind]
    number = spec.declared(declaration, spec.declared_number)
    if not number:
        return CertificateCheck(kind, CertificateStatus.ABSENT)
    certificate = selectors.certificate_current(kind=kind, number=number)
    if certificate is None:
        return CertificateCheck(kind, CertificateStatus.NOT_RECEIVED, number)
    declared = spec.declared(declaration, spec.declared_subject_id)
    matches = bool(declared) and certificate.subject_id_hmac == lookup_hmac(declared)
    status = CertificateStatus.VERIFIED if matches else CertificateStatus.MISMATCH
    return CertificateCheck(kind, status, number, certificate)


def certificate_prefill(certificate: MedicalCertificate) -> dict:
    """What a medical birth certificate fills in a birth declaration, for the caller who has verified
    it against the mother (the family may still change it; what differs is for the clerk to see)."""
    if certificate.kind != CertificateKind.BIRTH:
        return {}
    details = json.loads(certificate.details)
    child = details.get("child") or {}
    facility = certificate.facility
    return {
        "child": {"sex": child.get("sex"), "date_of_birth": child.get("date_of_birth")},
        "birth": {
            "time_of_birth": (child.get("time_of_birth") or "")[:5] or None,
            "place_of_birth_facility": facility.name,
            "place_of_birth_ward": facility.ward_id,
        },
    }
