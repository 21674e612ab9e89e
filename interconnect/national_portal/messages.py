"""Every change of a bundle, and every agency's answer on a step, becomes a status message for the
national portal, written in the transaction of the change (the core announces both inside it, under
the bundle's lock), so a change never commits without its message nor a message without its change."""

from __future__ import annotations

import contextlib
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.accounts.constants import Role
from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.audit.streams import bundle_stream
from portal.divisions.selectors import province_of, ward_label
from registrations.delivery import DossierView, bundle_dossier

from . import mapping
from .models import InboundDossier, StatusMessage

REGISTERED_LATE = (
    "Hồ sơ nộp trực tuyến tại UBND xã, phường trước ngày kết nối Cổng Dịch vụ công; đồng bộ từ thay đổi này."
)
# The results of steps (an agency's answer, or a delivery given up); an agency's 202 is not a result.
REPORTED_STEP_STATES = ("done", "rejected", "dead")


def connector_on(*, ward_id: int | None, day) -> bool:
    """Switched on by date (Decree 301/2026/NĐ-CP: 1 January 2027) and by province."""
    config = settings.NATIONAL_PORTAL
    if ward_id is None or day < config["from"]:
        return False
    provinces = config["provinces"]
    return "*" in provinces or str(province_of(ward_id)) in provinces


def dossier_code_of(bundle) -> str:
    """The national portal's code for a dossier filed there; our bundle code for one filed with us."""
    if bundle.origin != "national_portal":
        return bundle.code or ""
    inbound = InboundDossier.objects.filter(bundle_id=bundle.pk).values_list("code", flat=True).first()
    return inbound or bundle.code or ""


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _last_event(bundle) -> tuple[int | None, dict]:
    """The latest event on the bundle's trail (the change being reported): who made it, and its
    details (a reason, a supplement's items)."""
    event = (
        AuditEvent.objects.filter(stream=bundle_stream(bundle))
        .order_by("-seq")
        .values_list("actor_id", "data")
        .first()
    )
    actor_id, data = event or (None, {})
    return actor_id, data if isinstance(data, dict) else {}


def _handler(bundle, *, actor_id: int | None = None, agency: str = "") -> dict:
    """Who acted, as the progress record names them: the staff member with their title and office, or
    the agency that answered, or the system."""
    ward = ward_label(bundle.ward_id) if bundle.ward_id else ""
    if agency:
        return {"name": agency, "title": "", "department": agency}
    actor = (
        User.objects.filter(pk=actor_id).values("full_name", "title", "role").first() if actor_id else None
    )
    if actor is None or actor["role"] == Role.CITIZEN:
        return {"name": "Hệ thống", "title": "", "department": f"UBND {ward}".strip()}
    office = "Lãnh đạo UBND" if actor["role"] == Role.WARD_LEADER else "Bộ phận một cửa UBND"
    return {
        "name": actor["full_name"],
        "title": actor["title"] or "",
        "department": f"{office} {ward}".strip(),
    }


def _reason(data: dict) -> str:
    items = data.get("items") or []
    reasons = [str(i.get("reason", "")) for i in items if isinstance(i, dict)]
    return "; ".join(r for r in [str(data.get("reason") or ""), *reasons] if r)


def _write(
    bundle, view: DossierView, reported: list[mapping.Reported], *, handler: dict, now: datetime
) -> None:
    code = dossier_code_of(bundle)
    if code and reported:
        _append(code, view, reported, handler=handler, now=now)


def _append(code: str, view, reported: list[mapping.Reported], *, handler: dict, now: datetime) -> None:
    last = StatusMessage.objects.filter(dossier_code=code).order_by("-seq").first()
    seq = (last.seq if last else 0) + 1
    # The last promised date reported, carried through a supplement (when the clock stops and there is
    # none): a supplement and the resubmission after it report the date before and the one after.
    carried = last.payload.get("last_promised") if last else None
    due = _iso(view.due_at)
    promised_before = carried if carried != due else None
    if last is None and reported[0].status != 1 and view.origin != "national_portal":
        # A bundle of ours filed before the connector was switched on: the portal learns of it first.
        reported = [mapping.Reported(1, REGISTERED_LATE), *reported]
    for offset, report in enumerate(reported):
        # One microsecond apart: two messages of one change keep their order and their own keys.
        at = now + timedelta(microseconds=offset)
        payload = {
            "dossier": code,
            "procedure_code": view.national_code,
            "procedure_title": view.procedure_title,
            "status": report.status,
            "text": report.text,
            "occurred_at": _iso(at),
            "handler": handler,
            "started_at": _iso(view.clock_started_at or view.submitted_at),
            "due_at": due,
            "promised_before": promised_before,
            "last_promised": due or carried,
            "supplement_due": _iso(view.supplement_due),
            "finished_at": _iso(view.completed_at) if report.status in (9, 10) else None,
            "results": list(view.results) if report.status == 10 else [],
            "ward": view.ward_id,
            "online": True,
        }
        StatusMessage.objects.create(
            dossier_code=code,
            seq=seq + offset,
            bundle_id=view.bundle_id,
            ward_id=view.ward_id,
            status=report.status,
            occurred_at=at,
            payload=payload,
            idempotency_key=f"{code}:{report.status}:{timezone.localtime(at):%Y%m%d%H%M%S%f}",
            next_attempt_at=at,
        )
    transaction.on_commit(_kick, robust=True)


_last_kick = [0.0]
KICK_EVERY_SECONDS = 0.2


def _kick() -> None:
    """Run the status relay now rather than at beat's next tick (best effort; beat catches up). At most
    one kick per process every 0.2 s: a burst of changes needs one claim, not one per change; a message
    committed just after it goes with its dossier's previous one (its sender sends the next) or at the
    next kick or tick."""
    from celery import current_app
    from kombu.exceptions import OperationalError

    now = time.monotonic()
    if not settings.NATIONAL_PORTAL["base_url"] or now - _last_kick[0] < KICK_EVERY_SECONDS:
        return
    _last_kick[0] = now
    with contextlib.suppress(OperationalError):
        current_app.send_task("national_portal.tasks.push_statuses", retry=False)


def write_refusal(*, dossier_code: str, procedure_code: str, ward_id: int, reasons: dict) -> None:
    """A dossier that failed our checks is reported back as not accepted (3), with its reasons."""
    words = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in reasons.items())
    reported = mapping.for_bundle(source="submitted", target="rejected", details={"reason": words[:900]})
    handler = {"name": "Hệ thống", "title": "", "department": f"UBND {ward_label(ward_id)}"}
    view = DossierView(
        bundle_id=None, origin="national_portal", national_code=procedure_code, ward_id=ward_id
    )
    _append(dossier_code, view, reported, handler=handler, now=timezone.now())


def on_bundle_transitioned(sender, bundle, source, target, previous, **kwargs) -> None:
    now = timezone.now()
    if not connector_on(ward_id=bundle.ward_id, day=timezone.localdate(now)):
        return
    if target == "submitted" and bundle.origin == "national_portal":
        return  # the national portal registered it itself (status 1) before we pulled it
    view = bundle_dossier(bundle, with_results=target in ("completed", "partially_completed"))
    actor_id, data = _last_event(bundle)
    details = {
        "reason": bundle.closed_reason or _reason(data),
        "registration_number": view.registration_number,
        "registration_book": view.registration_book,
        "extract_title": view.extract_title.lower() if view.extract_title else "trích lục",
    }
    reported = mapping.for_bundle(source=source, target=target, details=details)
    _write(bundle, view, reported, handler=_handler(bundle, actor_id=actor_id), now=now)


def on_step_transitioned(sender, step, bundle, source, target, previous, **kwargs) -> None:
    if target not in REPORTED_STEP_STATES or bundle is None or step.agency == "civil_status":
        return
    now = timezone.now()
    if not connector_on(ward_id=bundle.ward_id, day=timezone.localdate(now)):
        return
    step.bundle = bundle  # the agency's name is the one in force on the bundle's date
    agency = step.get_agency_name()
    details = {"agency": agency, "procedure": step.get_procedure_label().lower(), "reason": step.reason}
    reported = mapping.for_step(state=target, details=details)
    _write(bundle, bundle_dossier(bundle), reported, handler=_handler(bundle, agency=agency), now=now)
