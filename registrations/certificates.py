"""Medical birth certificates and death notices received from facilities: who may send them, how a
repeat, a conflict and a correction are told apart, and nothing ever overwritten."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from portal.common import signatures
from portal.common.crypto import lookup_hmac
from portal.common.ratelimit import rate_exceeded

from . import selectors
from .constants import AttachmentKind, CertificateKind, CertificateStatus
from .models import MedicalCertificate, MedicalFacility

SIGNATURE_WINDOW_SECONDS = 300


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


class CertificateRefused(Exception):
    def __init__(self, status_code: int, detail: str, *, errors: dict | None = None, retry_after: int = 0):
        self.status_code, self.detail, self.errors, self.retry_after = (
            status_code,
            detail,
            errors,
            retry_after,
        )
        super().__init__(detail)


def facility_authenticate(*, code: str, timestamp: str, signature: str, body: bytes) -> MedicalFacility:
    """The facility whose secret signed ``timestamp.body`` recently; its request budget is counted
    only then, so nobody can spend it for the facility."""
    facility = MedicalFacility.objects.filter(code=code, is_active=True).first() if code else None
    if facility is None:
        raise CertificateRefused(401, "Cơ sở khám, chữa bệnh không xác định hoặc đã ngừng (X-Facility).")
    problem = signatures.verify(
        secrets=facility.active_secrets,
        timestamp=timestamp,
        signature=signature,
        body=body,
        window_seconds=SIGNATURE_WINDOW_SECONDS,
    )
    if problem:
        raise CertificateRefused(401, f"Chữ ký không hợp lệ: {problem}.")
    wait = rate_exceeded(scope="hospital", ident=facility.code)
    if wait is not None:
        raise CertificateRefused(429, f"Gửi quá nhiều yêu cầu; thử lại sau {wait} giây.", retry_after=wait)
    return facility


def _digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _pick(data: dict, dotted: str):
    for part in dotted.split("."):
        data = data[part]
    return data


def _version(*, facility, kind: str, data: dict, number: str, version: int, supersedes=None):
    spec = KINDS[kind]
    subject = data[spec.subject_field]
    details = {k: v for k, v in data.items() if k not in (spec.number_field, "facility", spec.subject_field)}
    details[spec.subject_field] = {k: v for k, v in subject.items() if k not in ("full_name", "id_number")}
    return MedicalCertificate.objects.create(
        kind=kind,
        number=number,
        version=version,
        supersedes=supersedes,
        facility=facility,
        subject_full_name=subject["full_name"],
        subject_date_of_birth=subject.get("date_of_birth"),
        subject_id_number=subject.get("id_number") or None,
        event_date=_pick(data, spec.event_date_field),
        details=json.dumps(details, default=str, ensure_ascii=False),
        body_sha256=_digest(data),
    )


def _current_locked(kind: str, number: str) -> MedicalCertificate | None:
    return (
        MedicalCertificate.objects.select_for_update().filter(kind=kind, number=number, current=True).first()
    )


def _same_facility(data: dict, facility: MedicalFacility) -> None:
    if data["facility"] != facility.code:
        raise CertificateRefused(
            403,
            "Cơ sở trong nội dung khác cơ sở đã ký yêu cầu.",
            errors={"facility": [f"Chỉ gửi được giấy của chính cơ sở ({facility.code})."]},
        )


def certificate_receive(
    *, facility: MedicalFacility, kind: str, data: dict
) -> tuple[MedicalCertificate, bool]:
    """Store a first version, or recognise the same content sent again (returned unchanged, not
    stored twice). The same number with other content is a conflict: the facility sends a correction."""
    _same_facility(data, facility)
    spec = KINDS[kind]
    number = data[spec.number_field]
    for _ in range(2):  # a concurrent first delivery of the same number wins once; the loser re-reads
        try:
            with transaction.atomic():
                current = _current_locked(kind, number)
                if current is None:
                    record = _version(facility=facility, kind=kind, data=data, number=number, version=1)
                    transaction.on_commit(lambda pk=record.pk: _proactive_draft(pk), robust=True)
                    return record, True
                if current.facility_id != facility.pk:
                    raise CertificateRefused(403, f"Số {spec.label} này do cơ sở khác cấp.")
                if current.body_sha256 == _digest(data):
                    return current, False
                raise CertificateRefused(
                    409,
                    f"Số {spec.label} {number} đã được gửi với nội dung khác. Muốn sửa, gửi bản đính chính "
                    "(…/{số}/correction/): bản cũ được giữ lại.",
                )
        except IntegrityError:
            continue
    raise CertificateRefused(409, "Số giấy đang được gửi đồng thời; vui lòng gửi lại.")


def _proactive_draft(certificate_id: int) -> None:
    """After the certificate is safely stored, where the law has switched it on: the mother's draft
    birth bundle, or word to the deceased's known relatives. A failure here is logged and never undoes
    what the facility sent."""
    from . import services  # services reads certificates; the other way round only here, at run time

    certificate = MedicalCertificate.objects.select_related("facility").get(pk=certificate_id)
    if certificate.kind == CertificateKind.BIRTH:
        services.proactive_birth_draft(certificate=certificate)
    else:
        services.proactive_death_notice(certificate=certificate)


def certificate_correct(
    *, facility: MedicalFacility, kind: str, number: str, data: dict
) -> tuple[MedicalCertificate, bool]:
    """A new version by the facility that sent the number; the previous one stays, superseded."""
    _same_facility(data, facility)
    spec = KINDS[kind]
    if data[spec.number_field] != number:
        raise CertificateRefused(
            400, "Số giấy trong nội dung khác số trong địa chỉ.", errors={spec.number_field: ["Không khớp."]}
        )
    with transaction.atomic():
        current = (
            MedicalCertificate.objects.select_for_update()
            .filter(kind=kind, number=number, current=True)
            .first()
        )
        if current is None:
            raise CertificateRefused(404, f"Chưa có {spec.label} số {number} để đính chính.")
        if current.facility_id != facility.pk:
            raise CertificateRefused(403, f"Số {spec.label} này do cơ sở khác cấp.")
        if current.body_sha256 == _digest(data):
            return current, False
        current.current = False
        current.save(update_fields=["current"])
        corrected = _version(
            facility=facility,
            kind=kind,
            data=data,
            number=number,
            version=current.version + 1,
            supersedes=current,
        )
    return corrected, True


# --- the registry of facilities -----------------------------------------------------------------


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def facility_register(*, code: str, name: str, ward_id: int) -> tuple[MedicalFacility, str]:
    """A facility and its first secret, returned once to be handed over; only its encrypted form is
    kept."""
    secret = _new_secret()
    facility = MedicalFacility.objects.create(code=code, name=name, ward_id=ward_id, secret=secret)
    return facility, secret


def facility_rotate_secret(*, facility: MedicalFacility) -> str:
    """A new secret; the old one keeps working until ``facility_end_rotation``, so the facility can
    switch without a gap."""
    secret = _new_secret()
    facility.previous_secret, facility.secret = facility.secret, secret
    facility.save(update_fields=["secret", "previous_secret"])
    return secret


def facility_end_rotation(*, facility: MedicalFacility) -> None:
    facility.previous_secret = None
    facility.save(update_fields=["previous_secret"])


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
