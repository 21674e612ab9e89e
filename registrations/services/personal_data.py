"""Who looked at whose personal data (Decree 13/2023/NĐ-CP)."""

from __future__ import annotations

from portal.audit.services import audit_record
from portal.audit.streams import user_stream

from ..models import Bundle


def personal_data_viewed(*, bundle: Bundle, actor, what: str) -> None:
    """Decree 13/2023: every look by staff at a family's personal data is on record, in the staff
    member's own audit stream (the bundle's history stays about the bundle). A citizen reading their
    own bundle is not recorded."""
    if actor.pk == bundle.owner_id:
        return
    audit_record(
        stream=user_stream(actor.pk),
        action="personal_data.view",
        actor=actor,
        object_type="bundle",
        object_id=bundle.code or bundle.public_id,
        data={"what": what},
    )


def personal_data_searched(*, actor, results: int) -> None:
    """A staff search over names and numbers: the count of bundles shown, never the search text (it
    may be a personal ID number)."""
    audit_record(
        stream=user_stream(actor.pk),
        action="personal_data.search",
        actor=actor,
        object_type="search",
        data={"results": results},
    )
