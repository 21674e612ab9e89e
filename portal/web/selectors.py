"""Reads of the top floor that span apps (what the portal holds about one citizen)."""

from __future__ import annotations

from portal.audit.models import AuditEvent
from portal.audit.streams import user_stream
from registrations import selectors
from registrations.declaration import declaration_of


def personal_data_of(user) -> dict:
    """Everything the portal holds about the signed-in citizen, in one place (Decree 13/2023, Art. 14):
    the account, the consents given, sign-ins, and the bundles they filed with their declarations."""
    bundles = selectors.bundle_detail_queryset(user).filter(owner=user).order_by("-created_at")[:200]
    events = list(AuditEvent.objects.filter(stream=user_stream(user.pk)).order_by("-seq")[:200])
    return {
        "account": {
            "full_name": user.full_name,
            "date_of_birth": user.date_of_birth,
            "sex": user.get_sex_display() if user.sex else "",
            "id_number": user.id_number or "",
            "email": user.email,
            "phone": user.phone,
            "eid_verified_at": user.eid_verified_at,
            "joined_at": user.date_joined,
        },
        "consents": [
            {"at": e.occurred_at, "version": e.data.get("version"), "purpose": e.data.get("purpose")}
            for e in events
            if e.action == "privacy.accept"
        ],
        "sign_ins": [
            {"at": e.occurred_at, "action": e.action} for e in events if e.action.startswith("auth.")
        ],
        "bundles": [
            {
                "code": b.code,
                "state": b.get_state_display(),
                "created_at": b.created_at,
                "declaration": declaration_of(b),
                "attachments": [
                    {"kind": a.get_kind_display(), "size": a.size, "uploaded_at": a.uploaded_at}
                    for a in b.attachments.all()
                ],
                "results": {s.procedure: s.result for s in b.steps.all() if s.state == "done" and s.result},
            }
            for b in bundles
        ],
    }
