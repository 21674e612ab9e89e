"""Dossiers filed on the mock portal, as a citizen would file them there: by a test, the demo's page,
or `make bench`."""

from __future__ import annotations

import base64
import json
from itertools import count

from django.db.models import Max
from django.utils import timezone

from registrations.demo import demo_declaration

from .models import MockDossier

PROCEDURE_CODES = {"birth": "3.000722", "death": "2.002913"}
SCAN = b"%PDF-1.4\n% ban chup tu Cong DVC\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_serial = count(1)


def applicant_of(citizen, *, eid_level: int = 2) -> dict:
    return {
        "soDinhDanh": citizen.id_number,
        "hoTen": citizen.full_name,
        "ngaySinh": citizen.date_of_birth.isoformat() if citizen.date_of_birth else "",
        "gioiTinh": citizen.sex,
        "mucDinhDanh": eid_level,
    }


def to_xml(value, tag: str = "ToKhai") -> str:
    """The declaration as XML with the same names (lists as <item> elements)."""
    from xml.sax.saxutils import escape

    if isinstance(value, dict):
        inner = "".join(to_xml(v, k) for k, v in value.items())
    elif isinstance(value, list):
        inner = "".join(to_xml(v, "item") for v in value)
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{tag}>{inner}</{tag}>"


def file_dossier(
    *,
    citizen,
    group: str,
    ward: int,
    declaration: dict | None = None,
    xml: bool = False,
    eid_level: int = 2,
    code: str = "",
) -> MockDossier:
    declaration = declaration if declaration is not None else demo_declaration(group, ward, citizen)
    declaration = {k: v for k, v in declaration.items() if k != "group"}
    kind = "medical_birth_certificate" if group == "birth" else "death_notice"
    today = timezone.localdate()
    if not code:
        last = MockDossier.objects.aggregate(n=Max("pk"))["n"] or 0
        code = f"H40.{ward}-{today:%y%m%d}-{last + next(_serial):04d}"
    return MockDossier.objects.create(
        code=code,
        procedure_code=PROCEDURE_CODES[group],
        ward_id=ward,
        applicant=applicant_of(citizen, eid_level=eid_level),
        declaration={"xml": to_xml(declaration)} if xml else json.loads(json.dumps(declaration, default=str)),
        attachments=[
            {"loaiGiayTo": kind, "tenTep": "ban-chup.pdf", "noiDung": base64.b64encode(SCAN).decode()}
        ],
    )
