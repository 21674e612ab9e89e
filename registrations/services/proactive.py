"""Proactive registration (Law 03/2026/QH16), where switched on: a certificate from a facility
becomes a prefilled draft for the mother, or word to the relatives of a person who died."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.accounts.constants import Role
from portal.accounts.models import User
from portal.audit.services import audit_record
from portal.audit.streams import user_stream
from portal.divisions.selectors import province_of

from .. import rules
from ..constants import CertificateKind, Group, Origin
from ..facilities.checks import certificate_prefill
from ..models import Bundle, MedicalCertificate
from ..notifications import mail_after_commit
from ..serializers import DeclarationSerializer
from .changes import bundle_event
from .drafts import bundle_create_draft


def _proactive_switched_on(certificate: MedicalCertificate, today: date) -> bool:
    return rules.proactive_registration_on(
        province=province_of(certificate.facility.ward_id),
        day=today,
        start=date.fromisoformat(settings.PROACTIVE_REGISTRATION_FROM),
        provinces=settings.PROACTIVE_REGISTRATION_PROVINCES,
    )


def proactive_death_notice(*, certificate: MedicalCertificate, today: date | None = None) -> list[User]:
    """Where switched on: the relatives the portal knows of a person whose death notice arrived (the
    citizens whose own bundles name that person, such as a child's birth registration) are told how
    to file the death registration. Nothing is started for them."""
    if certificate.kind != CertificateKind.DEATH or not certificate.subject_id_hmac:
        return []
    if not _proactive_switched_on(certificate, today or timezone.localdate()):
        return []
    relatives = list(
        User.objects.filter(
            role=Role.CITIZEN,
            is_active=True,
            bundles__people__id_number_hmac=certificate.subject_id_hmac,
        )
        .exclude(id_number_hmac=certificate.subject_id_hmac)
        .distinct()
    )
    for relative in relatives:
        account_notice = (
            f"{certificate.facility.name} đã gửi giấy báo tử điện tử số {certificate.number} của "
            f"{certificate.subject_full_name}. Xin chia buồn cùng gia đình.\n"
            "Anh/Chị có thể đăng ký khai tử và các thủ tục liên quan tại "
            f"{settings.SITE_URL}/nop-ho-so/khai-tu/ với số giấy báo tử trên; không cần đính kèm bản chụp."
        )
        audit_record(
            stream=user_stream(relative.pk),
            action="death_notice.relative_told",
            object_type="death_notice",
            object_id=certificate.number,
        )
        if relative.email:
            mail_after_commit(
                to=relative.email, subject="Giấy báo tử điện tử đã được gửi tới cổng", body=account_notice
            )
    return relatives


@transaction.atomic
def proactive_birth_draft(*, certificate: MedicalCertificate, today: date | None = None) -> Bundle | None:
    """Law 03/2026/QH16, where switched on: a medical birth certificate for a mother who has an e-ID
    account becomes a draft birth bundle in her "My bundles", prefilled from the certificate and her
    account, and she is told. Nothing is filed: she chooses the procedures, completes, and submits."""
    facility = certificate.facility
    switched_on = _proactive_switched_on(certificate, today or timezone.localdate())
    if certificate.kind != CertificateKind.BIRTH or not switched_on or not certificate.subject_id_hmac:
        return None
    mother = User.objects.filter(
        role=Role.CITIZEN, is_active=True, id_number_hmac=certificate.subject_id_hmac
    ).first()
    if (
        mother is None
        or Bundle.objects.filter(
            owner=mother, birth__medical_birth_certificate_number=certificate.number
        ).exists()
    ):
        return None
    # The certificate was matched to her by its mother's personal ID number.
    prefill = certificate_prefill(certificate)
    serializer = DeclarationSerializer(
        data={
            "group": Group.BIRTH,
            "procedures": [],
            "requester": {"relationship": "mother"},
            "mother": {
                "full_name": mother.full_name,
                "date_of_birth": mother.date_of_birth,
                "sex": "female",
                "id_number": mother.id_number,
            },
            "child": prefill["child"],
            "birth": {**prefill["birth"], "medical_birth_certificate_number": certificate.number},
        }
    )
    serializer.is_valid(raise_exception=True)
    bundle = bundle_create_draft(owner=mother, data=serializer.validated_data)
    bundle.origin = Origin.PROACTIVE
    bundle.save(update_fields=["origin"])
    bundle_event(
        bundle, "bundle.proactive_draft", data={"facility": facility.code, "certificate": certificate.number}
    )
    if mother.email:
        body = (
            f"{facility.name} đã gửi giấy chứng sinh điện tử số {certificate.number} của con chị tới Cổng "
            "dịch vụ công liên thông. Hồ sơ khai sinh đã được chuẩn bị sẵn trong mục “Hồ sơ của tôi”.\n"
            "Chưa có gì được nộp: chị kiểm tra thông tin, chọn các thủ tục đi kèm và bấm Nộp khi sẵn sàng."
        )
        mail_after_commit(to=mother.email, subject="Hồ sơ khai sinh đã được chuẩn bị sẵn", body=body)
    return bundle


def on_certificate_received(sender, certificate_id: int, **kwargs) -> None:
    """A facility's first version of a certificate was stored (connected in the app's ``ready``): the
    mother's draft birth bundle, or word to the deceased's known relatives. Run after the commit, so a
    failure here is logged and never undoes what the facility sent."""
    certificate = MedicalCertificate.objects.select_related("facility").get(pk=certificate_id)
    if certificate.kind == CertificateKind.BIRTH:
        proactive_birth_draft(certificate=certificate)
    else:
        proactive_death_notice(certificate=certificate)
