"""Dossiers filed on the national portal become bundles: listed per ward, read, checked as our own
filing is (the declaration, the applicant's e-ID, the attachments), taken in one transaction and
acknowledged only once that transaction has committed. A dossier is taken once by its code; one that
fails the checks is recorded with its reasons and reported back as not accepted (status 3)."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from portal.accounts.constants import Role
from portal.accounts.models import User
from portal.accounts.services import citizen_from_eid
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.constants import Origin
from registrations.exceptions import ValidationFailed

from . import declarations
from .clients import Dossier, DossierRef, PortalClient, PortalRefused, PortalUnavailable, listed
from .messages import connector_on, write_refusal
from .models import ConnectorRun, DossierOutcome, InboundDossier
from .styles import portal_client

logger = logging.getLogger("interconnect.national_portal")
TOO_LARGE = "Dữ liệu của hồ sơ vượt quá độ dài cho phép."
MIN_EID_LEVEL = 2  # Decree 63/2024/NĐ-CP: filed online with a level-2 electronic identification account


def wards_to_pull(day: date) -> list[int]:
    """The wards whose staff work on this portal, where the connector is switched on."""
    wards = (
        User.objects.filter(
            role__in=(Role.WARD_CLERK, Role.WARD_LEADER), is_active=True, ward_id__isnull=False
        )
        .values_list("ward_id", flat=True)
        .distinct()
    )
    return sorted(w for w in set(wards) if connector_on(ward_id=w, day=day))


def dossiers_pull(*, client: PortalClient | None = None, wards: list[int] | None = None) -> dict[str, int]:
    """One pull: every new dossier of every ward. A ward whose list cannot be read is tried at the
    next pull; nothing read is lost, since nothing is acknowledged before it is kept."""
    client = client or portal_client()
    counts = {"accepted": 0, "refused": 0, "again": 0, "unavailable": 0}
    for ward in wards if wards is not None else wards_to_pull(timezone.localdate()):
        try:
            refs = listed(client.new_dossiers(ward_id=ward))
        except (PortalUnavailable, PortalRefused) as exc:
            logger.warning("national_portal.pull.failed", extra={"ward": ward, "error": str(exc)[:200]})
            counts["unavailable"] += 1
            continue
        for ref in refs:
            try:
                counts[dossier_take(client=client, ref=ref, ward_id=ward)] += 1
            except (PortalUnavailable, PortalRefused) as exc:
                logger.warning(
                    "national_portal.dossier.failed", extra={"dossier": ref.code, "error": str(exc)[:200]}
                )
                counts["unavailable"] += 1
            except Exception:  # noqa: BLE001 - one dossier that breaks must not stop the others
                logger.exception("national_portal.dossier.broken", extra={"dossier": ref.code})
                counts["unavailable"] += 1
    now = timezone.now()
    run, _ = ConnectorRun.objects.get_or_create(name="pull", defaults={"at": now})
    run.at, run.error = (
        now,
        f"{counts['unavailable']} lần gọi không thành công" if counts["unavailable"] else "",
    )
    if not counts["unavailable"]:
        run.succeeded_at = now
    run.save()
    return counts


def dossier_take(*, client: PortalClient, ref: DossierRef, ward_id: int) -> str:
    """Take one dossier (or recognise it) and acknowledge it. Returns accepted, refused or again."""
    known = InboundDossier.objects.filter(code=ref.code).first()
    if known is None:
        dossier = client.dossier(code=ref.code)
        try:
            # Kept under the ward it was listed for (one of ours), whatever the detail says.
            known = _keep(dossier, ward_id=ward_id)
        except IntegrityError:  # another worker kept it a moment ago
            known = InboundDossier.objects.get(code=ref.code)
            outcome = "again"
        else:
            outcome = known.outcome
    else:
        outcome = "again"
    # Only now, with the bundle committed: a lost acknowledgement makes the portal list it again,
    # and the code finds this row.
    client.acknowledge(code=ref.code)
    InboundDossier.objects.filter(pk=known.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
    return outcome


def _owner(dossier: Dossier) -> User:
    applicant = dossier.applicant
    born = declarations.parse_date(applicant.date_of_birth)
    sex = declarations.parse_sex(applicant.sex)
    try:
        return citizen_from_eid(
            id_number=applicant.id_number, full_name=applicant.full_name, date_of_birth=born, sex=sex
        )
    except ValueError as exc:
        raise ValidationFailed({"applicant": [f"Người nộp hồ sơ không hợp lệ: {exc}"]}) from None


@transaction.atomic
def _keep(dossier: Dossier, *, ward_id: int) -> InboundDossier:
    row = InboundDossier.objects.create(
        code=dossier.code,
        procedure_code=dossier.procedure_code,
        ward_id=ward_id,
        submitted_at=dossier.submitted_at,
        eid_level=dossier.applicant.eid_level,
        outcome=DossierOutcome.ACCEPTED,
    )
    try:
        with transaction.atomic():
            bundle = _receive(dossier, ward_id=ward_id)
    except (ValidationFailed, DataError) as exc:
        # A value past what a column holds is the dossier's fault too: refused, not retried forever.
        reasons = exc.errors if isinstance(exc, ValidationFailed) else {"declaration": [TOO_LARGE]}
        row.outcome, row.reasons = DossierOutcome.REFUSED, reasons
        row.save(update_fields=["outcome", "reasons"])
        write_refusal(
            dossier_code=dossier.code,
            procedure_code=dossier.procedure_code,
            ward_id=ward_id,
            reasons=reasons,
        )
        return row
    row.bundle_id = bundle.pk
    row.save(update_fields=["bundle"])
    return row


def _receive(dossier: Dossier, *, ward_id: int):
    if dossier.problems:
        raise ValidationFailed(dossier.problems)
    if (dossier.applicant.eid_level or 0) < MIN_EID_LEVEL:
        raise ValidationFailed(
            {"applicant": ["Tài khoản nộp hồ sơ chưa được định danh điện tử mức 2 (VNeID)."]}
        )
    group = bundle_selectors.group_for_national_code(dossier.procedure_code)
    if group is None:
        raise ValidationFailed(
            {"procedure_code": [f"Mã thủ tục {dossier.procedure_code} không thuộc các nhóm liên thông."]}
        )
    declaration = declarations.parse(dossier.declaration)
    declaration["group"] = group
    declaration.setdefault("registration_ward", ward_id)
    kinds = settings.NATIONAL_PORTAL.get("attachment_kinds") or {}
    files = [
        (kinds.get(kind, kind), ContentFile(content, name=name))
        for kind, name, content in dossier.attachments
    ]
    return bundle_services.bundle_receive(
        owner=_owner(dossier), declaration=declaration, attachments=files, origin=Origin.NATIONAL_PORTAL
    )
