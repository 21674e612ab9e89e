"""Medical birth certificates and death notices received from facilities: who may send them, how a
repeat, a conflict and a correction are told apart, and nothing ever overwritten."""

from __future__ import annotations

import hashlib
import json
import secrets

from django.db import IntegrityError, transaction

from portal.common import peers, signatures
from portal.common.ratelimit import rate_exceeded

from ..signals import certificate_received
from .checks import KINDS
from .models import CorrectionReceipt, MedicalCertificate, MedicalFacility

SIGNATURE_WINDOW_SECONDS = 300


class CertificateRefused(Exception):
    def __init__(self, status_code: int, detail: str, *, errors: dict | None = None, retry_after: int = 0):
        self.status_code, self.detail, self.errors, self.retry_after = (
            status_code,
            detail,
            errors,
            retry_after,
        )
        super().__init__(detail)


def facility_authenticate(
    *, code: str, timestamp: str, signature: str, body: bytes, address: str
) -> MedicalFacility:
    """The facility whose secret signed ``timestamp.body`` recently; its request budget is counted
    only then, so nobody can spend it for the facility. Failed signatures are counted per
    ``address``, which is refused once it has spent its budget."""
    wait = peers.unsigned_wait(address=address)
    if wait is not None:
        raise CertificateRefused(429, peers.REFUSED.format(seconds=wait), retry_after=wait)
    facility = MedicalFacility.objects.filter(code=code, is_active=True).first() if code else None
    if facility is None:
        peers.unsigned_count(channel="intake", address=address, problem="unknown facility")
        raise CertificateRefused(401, "Cơ sở khám, chữa bệnh không xác định hoặc đã ngừng (X-Facility).")
    problem = signatures.verify(
        secrets=facility.active_secrets,
        timestamp=timestamp,
        signature=signature,
        body=body,
        window_seconds=SIGNATURE_WINDOW_SECONDS,
    )
    if problem:
        peers.unsigned_count(channel="intake", address=address, problem=problem)
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
                    # Once safely stored: proactive registration, where switched on, starts from it.
                    transaction.on_commit(
                        lambda pk=record.pk: certificate_received.send(
                            sender=MedicalCertificate, certificate_id=pk
                        ),
                        robust=True,
                    )
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


def _announce(certificate_id: int) -> None:
    certificate_received.send(sender=MedicalCertificate, certificate_id=certificate_id)


def certificate_correct(
    *, facility: MedicalFacility, kind: str, number: str, data: dict, signature: str = ""
) -> tuple[MedicalCertificate, bool]:
    """A new version by the facility that sent the number; the previous one stays, superseded. The
    same signed correction sent again (a retry after a lost answer) is answered with the version it
    made while that is still current, and refused with 409 once a later correction replaced it: a
    replay never makes an old version current again."""
    _same_facility(data, facility)
    spec = KINDS[kind]
    if data[spec.number_field] != number:
        raise CertificateRefused(
            400, "Số giấy trong nội dung khác số trong địa chỉ.", errors={spec.number_field: ["Không khớp."]}
        )
    with transaction.atomic():
        replayed = False
        if signature:
            try:
                with transaction.atomic():
                    CorrectionReceipt.objects.create(
                        facility=facility, signature_sha256=signatures.body_hash(signature.encode())
                    )
            except IntegrityError:
                replayed = True
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
        if replayed:
            raise CertificateRefused(
                409,
                "Bản đính chính này đã được nhận trước đây và đã có bản đính chính mới hơn; không nhận lại.",
            )
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
