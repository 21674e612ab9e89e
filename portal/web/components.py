"""The portal's component set, each piece rendered by the very template the pages include, with
example content: a page for the people who build pages, served only under DEBUG."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.constants import Sex
from registrations.models import Bundle, Step

from .citizen import CARD_LOOK, PLAIN
from .filing.fields import Field
from .labels import result_rows
from .waiting import WAITING_FOR

# One example of each kind of agency result, as the agencies' result schemas describe them.
EXAMPLE_RESULTS = {
    "birth_registration": {"registration_number": 123, "book": "01/2026"},
    "personal_id": {"personal_id": "040226001234"},
    "permanent_residence": {"confirmation_number": "TT-2026-000123", "registered_on": "2026-11-24"},
    "health_insurance": {
        "card_number": "4012345678",
        "valid_from": "2026-11-24",
        "valid_to": "2032-11-21",
        "primary_care_facility": "Trạm Y tế phường Trường Vinh",
    },  # fmt: skip
    "child_id_card": {
        "card_number": "040226001234",
        "issued_on": "2026-11-25",
        "delivery_method": "post",
        "postal_tracking": "VN123456789",
    },  # fmt: skip
    "residence_removal": {"confirmation_number": "XTT-2026-000045", "removed_on": "2026-11-24"},
    "funeral_allowance": {
        "decision_number": "QĐ-2026-000078",
        "amount_vnd": 25300000,
        "legal_basis": "Nghị định 161/2026/NĐ-CP",
        "payee": "Trần Văn Bình",
        "payment_reference": "CK0123456789",
        "survivor_benefit": {
            "decision_number": "QĐT-2026-000078",
            "form": "monthly",
            "beneficiaries": ["Trần Thị Hoa"],
        },
    },  # fmt: skip
}
_AGENCIES = {"birth_registration": "civil_status", "personal_id": "police", "permanent_residence": "police",
             "health_insurance": "social_insurance", "child_id_card": "police",
             "residence_removal": "police", "funeral_allowance": "social_insurance"}  # fmt: skip
# A card for each state a step shows, the way the status page words it.
_CARD_STATES = [("waiting", "health_insurance"), ("pending", "permanent_residence"),
                ("accepted", "child_id_card"), ("rejected", "residence_removal"),
                ("dead", "permanent_residence")]  # fmt: skip


def _cards() -> list[dict]:
    bundle = Bundle(group="birth", state="registered", created_at=timezone.now())
    cards = [
        {
            "step": Step(bundle=bundle, procedure=procedure, agency=_AGENCIES[procedure], state=state),
            "plain": WAITING_FOR["registered"] if state == "waiting" else PLAIN[state],
            "look": CARD_LOOK[state],
            "overdue": False,
            "result": [],
        }
        for state, procedure in _CARD_STATES
    ]
    for procedure, result in EXAMPLE_RESULTS.items():
        cards.append(
            {
                "step": Step(bundle=bundle, procedure=procedure, agency=_AGENCIES[procedure], state="done"),
                "plain": PLAIN["done"],
                "look": CARD_LOOK["done"],
                "overdue": False,
                "result": result_rows(result),
            }
        )
    return cards


def _choice_rows() -> list[dict]:
    fields = [
        Field("child.sex", "radio", choices=tuple(Sex.choices)),
        Field("residence.collective_household", "yesno", label=_("Đăng ký vào hộ tập thể")),
        Field("residence.owner_consent", "consent", label=_("Chủ hộ đồng ý cho đăng ký thường trú")),
        Field("child.date_of_birth", "date"),
        Field("birth.time_of_birth", "time"),
    ]
    values = {"child.sex": "female", "residence.collective_household": "no"}
    errors = {"birth.time_of_birth": [_("Giờ không đúng: ghi giờ:phút theo 24 giờ, ví dụ 14:30.")]}
    return [
        {
            "field": f,
            "value": values.get(f.path, ""),
            "text": "",
            "errors": errors.get(f.path, []),
            "required": f.kind != "time",
        }  # fmt: skip
        for f in fields
    ]


def components(request):
    if not settings.DEBUG:
        raise Http404
    summary = {
        "title": _("Trẻ được khai sinh"),
        "edit_url": "#",
        "rows": [("child.full_name", _("Họ, chữ đệm, tên"), "Nguyễn Minh Khôi"),
                 ("child.date_of_birth", _("Ngày sinh"), "22/11/2026"),
                 ("child.place_of_birth_ward", _("Xã, phường nơi sinh"), "Phường Trường Vinh, tỉnh Nghệ An")],
    }  # fmt: skip
    return render(
        request,
        "web/components.html",
        {"cards": _cards(), "choice_rows": _choice_rows(), "sections": [summary]},
    )
