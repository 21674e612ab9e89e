"""Bundles in every state, built through the services exactly as the portal builds them."""

from __future__ import annotations

import copy
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from registrations import services
from registrations.models import Bundle, Step
from registrations.serializers import DeclarationSerializer
from tests.factories import WARD_A, UserFactory

from .helpers import PDF, birth_declaration


def validated(declaration: dict) -> dict:
    serializer = DeclarationSerializer(data=copy.deepcopy(declaration))
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class Cast:
    """The people acting on bundles of ward A."""

    def __init__(self):
        self.citizen = UserFactory(citizen=True)
        self.clerk = UserFactory(clerk=True, ward_id=WARD_A)
        self.leader = UserFactory(leader=True, ward_id=WARD_A)


def draft(cast: Cast, declaration: dict | None = None) -> Bundle:
    declaration = declaration or birth_declaration()
    bundle = services.bundle_create_draft(owner=cast.citizen, data=validated(declaration))
    kind = "medical_birth_certificate" if bundle.group == "birth" else "death_notice"
    services.attachment_add(
        bundle=bundle,
        actor=cast.citizen,
        kind=kind,
        upload=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
    )
    return bundle


def step(bundle: Bundle, procedure: str) -> Step:
    return Step.objects.get(bundle=bundle, procedure=procedure)


def build(state: str, cast: Cast, declaration: dict | None = None) -> Bundle:
    bundle = draft(cast, declaration)
    if state == "draft":
        return bundle
    if state == "withdrawn":
        return services.bundle_withdraw(bundle=bundle, actor=cast.citizen, reason="Nộp nhầm")
    services.bundle_submit(bundle=bundle, actor=cast.citizen)
    if state == "submitted":
        return Bundle.objects.get(pk=bundle.pk)
    if state == "rejected":
        return services.bundle_reject(bundle=bundle, actor=cast.clerk, reason="Sai nơi đăng ký")
    services.bundle_accept(bundle=bundle, actor=cast.clerk)
    if state == "in_review":
        return Bundle.objects.get(pk=bundle.pk)
    if state == "awaiting_citizen":
        services.bundle_request_supplement(
            bundle=bundle,
            actor=cast.clerk,
            items=[{"field": "child.full_name", "reason": "Tên chưa đúng giấy chứng sinh"}],
        )
        return Bundle.objects.get(pk=bundle.pk)
    services.bundle_register(bundle=bundle, actor=cast.clerk)
    if state == "registered":
        return Bundle.objects.get(pk=bundle.pk)
    if bundle.group == "birth":
        _send(step(bundle, "personal_id"))
        services.step_record_result(step=step(bundle, "personal_id"), result={"personal_id": "040226000001"})
    services.bundle_sign(bundle=bundle, actor=cast.leader)
    if state == "signed":
        return Bundle.objects.get(pk=bundle.pk)
    remaining = Step.objects.filter(bundle=bundle).exclude(state="done").order_by("position")
    if state == "partially_completed":
        first = remaining.first()
        _send(first)
        services.step_record_rejection(step=first, reason="Sai địa chỉ")
        return services.bundle_close_partially(bundle=bundle, actor=cast.clerk, reason="Công an từ chối")
    for pending in remaining:
        _send(pending)
        services.step_record_result(step=pending, result=agency_result(pending.procedure))
    assert state == "completed"
    return Bundle.objects.get(pk=bundle.pk)


# What each agency returns, shaped as its result schema says (registrations/payload_schemas.py).
AGENCY_RESULTS = {
    "permanent_residence": {"confirmation_number": "TT-0001", "registered_on": "2026-11-20"},
    "health_insurance": {"card_number": "4012345678", "valid_from": "2026-11-20", "valid_to": "2032-11-09"},
    "child_id_card": {"card_number": "040226000001", "issued_on": "2026-11-20", "delivery_method": "pickup"},
    "residence_removal": {"confirmation_number": "XTT-0001", "removed_on": "2026-11-20"},
    "funeral_allowance": {"decision_number": "QĐ-0001", "amount_vnd": 25_300_000, "payee": "Lê Thị Tám"},
}


def agency_result(procedure: str) -> dict:
    return dict(AGENCY_RESULTS[procedure])


def _send(pending: Step) -> None:
    """What the relay does before an agency answers: claim the step for sending."""
    pending = Step.objects.get(pk=pending.pk)
    pending.claim()
    pending.lease_until = timezone.now() + timedelta(minutes=1)
    pending.save()
