"""Reads of what facilities sent."""

from __future__ import annotations

from .models import MedicalCertificate


def certificates_of(*, facility, kind: str):
    """A facility's own certificates of one kind, current versions, newest first."""
    return (
        MedicalCertificate.objects.filter(facility=facility, kind=kind, current=True)
        .select_related("facility")
        .order_by("-received_at")
    )


def certificate_current(*, kind: str, number: str) -> MedicalCertificate | None:
    """The version in use of a facility's certificate (at most one, by constraint)."""
    return MedicalCertificate.objects.filter(kind=kind, number=number, current=True).first()
