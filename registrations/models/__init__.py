"""The core's models, one module per concept; every model is importable from here."""

from ..facilities.models import CertificateUse, CorrectionReceipt, MedicalCertificate, MedicalFacility
from .bundles import Bundle, BundleQuerySet
from .catalogue import (
    PROCEDURE_LABELS,
    AgencyName,
    BenefitRate,
    CatalogueVersion,
    FuneralBenefitRule,
    GroupRule,
    Procedure,
)
from .exchanges import Attachment, Correction, SupplementRequest
from .numbering import BundleCodeCounter, RegistrationCounter
from .people import BirthDetails, DeathDetails, Person
from .steps import Step, StepQuerySet

__all__ = [
    "PROCEDURE_LABELS",
    "AgencyName",
    "Attachment",
    "BenefitRate",
    "BirthDetails",
    "Bundle",
    "BundleCodeCounter",
    "BundleQuerySet",
    "CatalogueVersion",
    "CertificateUse",
    "Correction",
    "CorrectionReceipt",
    "DeathDetails",
    "FuneralBenefitRule",
    "GroupRule",
    "MedicalCertificate",
    "MedicalFacility",
    "Person",
    "Procedure",
    "RegistrationCounter",
    "Step",
    "StepQuerySet",
    "SupplementRequest",
]
