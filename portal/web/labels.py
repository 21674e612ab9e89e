"""Vietnamese labels for the declaration, in the order of the official forms."""

from __future__ import annotations

from datetime import date, time

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from portal.common.identifiers import mask_personal_id
from portal.common.text import Vietnamese
from portal.divisions.selectors import ward_label
from registrations.constants import (
    COUNTRIES,
    ETHNICITIES,
    AttachmentKind,
    DeliveryMethod,
    PreferredForm,
    Regime,
    Relationship,
    Sex,
)
from registrations.models import AgencyName

FIELD_LABELS = {
    "full_name": gettext_noop("Họ, chữ đệm, tên"),
    "date_of_birth": gettext_noop("Ngày sinh"),
    "sex": gettext_noop("Giới tính"),
    "ethnicity": gettext_noop("Dân tộc"),
    "nationality": gettext_noop("Quốc tịch"),
    "id_number": gettext_noop("Số định danh cá nhân"),
    "residence_address": gettext_noop("Nơi cư trú"),
    "ward_code": gettext_noop("Xã, phường"),
    "relationship": gettext_noop("Quan hệ"),
    "phone": gettext_noop("Điện thoại"),
    "email": gettext_noop("Email"),
    "time_of_birth": gettext_noop("Giờ sinh"),
    "place_of_birth_facility": gettext_noop("Nơi sinh"),
    "place_of_birth_ward": gettext_noop("Xã, phường nơi sinh"),
    "hometown": gettext_noop("Quê quán"),
    "medical_birth_certificate_number": gettext_noop("Số giấy chứng sinh"),
    "address": gettext_noop("Địa chỉ"),
    "household_head_full_name": gettext_noop("Chủ hộ"),
    "household_head_id_number": gettext_noop("Số định danh chủ hộ"),
    "relationship_to_head": gettext_noop("Quan hệ với chủ hộ"),
    "owner_consent": gettext_noop("Chủ hộ đồng ý"),
    "collective_household": gettext_noop("Hộ tập thể"),
    "primary_care_facility": gettext_noop("Nơi khám chữa bệnh ban đầu"),
    "first_card": gettext_noop("Cấp thẻ lần đầu"),
    "delivery_method": gettext_noop("Cách nhận thẻ"),
    "delivery_address": gettext_noop("Địa chỉ nhận thẻ"),
    "last_residence_address": gettext_noop("Nơi cư trú cuối cùng"),
    "date_of_death": gettext_noop("Ngày chết"),
    "time_of_death": gettext_noop("Giờ chết"),
    "place_of_death": gettext_noop("Nơi chết"),
    "place_of_death_ward": gettext_noop("Xã, phường nơi chết"),
    "cause_of_death": gettext_noop("Nguyên nhân chết"),
    "death_notice_number": gettext_noop("Số giấy báo tử"),
    "death_notice_issuer": gettext_noop("Nơi cấp giấy báo tử"),
    "death_notice_date": gettext_noop("Ngày cấp giấy báo tử"),
    "regime": gettext_noop("Chế độ"),
    "bank_code": gettext_noop("Ngân hàng"),
    "account_number": gettext_noop("Số tài khoản"),
    "account_holder": gettext_noop("Chủ tài khoản"),
    "requested": gettext_noop("Đề nghị hưởng tuất"),
    "preferred_form": gettext_noop("Hình thức hưởng"),
}
SECTION_LABELS = {
    "requester": gettext_noop("Người yêu cầu"),
    "child": gettext_noop("Trẻ được khai sinh"),
    "mother": gettext_noop("Mẹ"),
    "father": gettext_noop("Cha"),
    "birth": gettext_noop("Thông tin khai sinh"),
    "residence": gettext_noop("Đăng ký thường trú"),
    "health_insurance": gettext_noop("Bảo hiểm y tế"),
    "child_id_card": gettext_noop("Thẻ căn cước cho trẻ"),
    "deceased": gettext_noop("Người chết"),
    "death": gettext_noop("Thông tin khai tử"),
    "funeral_allowance": gettext_noop("Mai táng phí, trợ cấp tuất"),
    "beneficiary": gettext_noop("Người nhận trợ cấp"),
    "bank_account": gettext_noop("Tài khoản nhận"),
    "survivor_benefit": gettext_noop("Trợ cấp tuất"),
}
CHOICES = {
    **dict(Sex.choices),
    **dict(Relationship.choices),
    **dict(Regime.choices),
    **dict(DeliveryMethod.choices),
    **dict(PreferredForm.choices),
}


# The nationalities a Vietnamese civil-status form names most; others show their ISO code.
WARD_FIELDS = {"ward_code", "registration_ward", "place_of_birth_ward", "place_of_death_ward"}


FOREIGN_NATIONAL = "55"


def display(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if name in WARD_FIELDS:
        return Vietnamese(ward_label(value) if isinstance(value, int) else value)
    if name == "nationality":
        return gettext(COUNTRIES[value]) if value in COUNTRIES else str(value)
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if name == "ethnicity":
        if value == FOREIGN_NATIONAL:
            return gettext("Người nước ngoài")
        return Vietnamese(ETHNICITIES.get(value, value))
    if value in CHOICES:
        return str(CHOICES[value])
    return Vietnamese(value)


def path_label(path: str) -> str:
    """A declaration path in words: "child.full_name" → "Trẻ được khai sinh — Họ, chữ đệm, tên"."""
    *sections, name = path.split(".")
    parts = [gettext(SECTION_LABELS[s]) for s in sections if s in SECTION_LABELS]
    return " — ".join([*parts, gettext(FIELD_LABELS.get(name, name))])


def correction_rows(changes: dict, current: dict) -> list[tuple[str, str, str]]:
    """A correction as the clerk decides it: [(what, as registered, as asked)], nested parts flattened."""
    rows = []

    def walk(values: dict, now: dict, prefix: str) -> None:
        for name, value in values.items():
            before = (now or {}).get(name) if isinstance(now, dict) else None
            if isinstance(value, dict):
                walk(value, before or {}, f"{prefix}{name}.")
            else:
                rows.append((path_label(f"{prefix}{name}"), display(name, before), display(name, value)))

    walk(changes or {}, current or {}, "")
    return rows


def supplement_item_label(item: dict) -> str:
    """What a supplement request asks for, in words: the field, or the kind of document."""
    if item.get("attachment"):
        return str(dict(AttachmentKind.choices).get(item["attachment"], item["attachment"]))
    return path_label(item.get("field") or "")


def declaration_sections(
    declaration: dict, *, mask_ids: bool = False
) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """[(section key, title, [(path, label, shown value)])] in form order, nested sections flattened.
    With ``mask_ids`` personal ID numbers show only their prefix and last digits."""
    out = []

    def walk(key: str, title: str, values: dict, prefix: str) -> None:
        rows, nested = [], []
        for name, value in values.items():
            if isinstance(value, dict):
                nested.append((name, value))
            elif isinstance(value, list):
                for index, item in enumerate(value, start=1):
                    if isinstance(item, dict):
                        nested.append((f"{name} {index}", item))
            else:
                shown = (
                    mask_personal_id(value)
                    if mask_ids and name.endswith("id_number")
                    else display(name, value)
                )
                rows.append((f"{prefix}{name}", gettext(FIELD_LABELS.get(name, name)), shown))
        out.append((key, title, rows))
        for name, value in nested:
            walk(
                f"{key}.{name}", gettext(SECTION_LABELS.get(name.split()[0], name)), value, f"{prefix}{name}."
            )

    for key, value in declaration.items():
        if isinstance(value, dict):
            walk(key, gettext(SECTION_LABELS.get(key, key)), value, f"{key}.")
    return out


RESULT_LABELS = {
    "registration_number": gettext_noop("Số đăng ký"),
    "book": gettext_noop("Quyển số"),
    "personal_id": gettext_noop("Số định danh cá nhân"),
    "confirmation_number": gettext_noop("Số xác nhận"),
    "registered_on": gettext_noop("Ngày đăng ký"),
    "removed_on": gettext_noop("Ngày xoá đăng ký"),
    "card_number": gettext_noop("Số thẻ"),
    "valid_from": gettext_noop("Có giá trị từ"),
    "valid_to": gettext_noop("Có giá trị đến"),
    "primary_care_facility": gettext_noop("Nơi khám chữa bệnh ban đầu"),
    "issued_on": gettext_noop("Ngày cấp"),
    "delivery_method": gettext_noop("Cách nhận thẻ"),
    "postal_tracking": gettext_noop("Mã bưu gửi"),
    "decision_number": gettext_noop("Số quyết định"),
    "amount_vnd": gettext_noop("Số tiền"),
    "legal_basis": gettext_noop("Căn cứ"),
    "payee": gettext_noop("Người nhận"),
    "payment_reference": gettext_noop("Mã chuyển khoản"),
    "survivor_benefit": gettext_noop("Trợ cấp tuất"),
    "form": gettext_noop("Hình thức"),
    "beneficiaries": gettext_noop("Người hưởng"),
}


def result_rows(result: dict) -> list[tuple[str, str]]:
    """An agency's result in words a family reads: labelled, dates as dd/mm/yyyy, money grouped."""
    rows = []
    for name, value in (result or {}).items():
        if isinstance(value, dict):
            rows += [(f"{_result_label(name)} — {label}", shown) for label, shown in result_rows(value)]
            continue
        if name == "amount_vnd" and isinstance(value, int):
            shown = gettext("%(amount)s đồng") % {"amount": f"{value:,}".replace(",", ".")}
        elif isinstance(value, list):
            shown = Vietnamese(", ".join(str(v) for v in value))
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            shown = f"{value[8:]}/{value[5:7]}/{value[:4]}"
        elif value in CHOICES:
            shown = str(CHOICES[value])
        else:  # a number or reference, or a name the agency wrote (the payee, the facility, the law)
            shown = Vietnamese(value) if name in WRITTEN_RESULTS else str(value)
        rows.append((_result_label(name), shown))
    return rows


WRITTEN_RESULTS = {"payee", "primary_care_facility", "legal_basis"}


def _result_label(name: str) -> str:
    return gettext(RESULT_LABELS[name]) if name in RESULT_LABELS else name


# What each agency receives, by procedure: the review page shows, per chosen procedure, these parts
# of the declaration, so the family sees what will be sent where before submitting.
PROCEDURE_SECTIONS = {
    "birth_registration": ("requester", "child", "birth", "mother", "father"),
    "personal_id": ("child", "mother", "father"),
    "permanent_residence": ("residence",),
    "health_insurance": ("health_insurance",),
    "child_id_card": ("child_id_card",),
    "death_registration": ("requester", "deceased", "death"),
    "residence_removal": ("deceased",),
    "funeral_allowance": ("funeral_allowance",),
}


def review_summary(declaration: dict, procedures: list) -> dict:
    """The review page's "check your answers": each part of the declaration once, only what was
    given, and for each chosen procedure the agency and which parts it receives."""
    sections = [
        (key, title, [row for row in rows if row[2] != "—"])
        for key, title, rows in declaration_sections(declaration)
    ]
    sections = [s for s in sections if s[2]]
    titles = {key: title for key, title, _rows in sections}
    chosen = []
    for code, procedure in procedures:
        keys = PROCEDURE_SECTIONS.get(code, ())
        chosen.append(
            {
                "code": code,
                "name": procedure.shown_name,
                "agency": AgencyName.objects.name_for(agency=procedure.agency, day=timezone.localdate()),
                "receives": [titles[k] for k in titles if k.split(".")[0] in keys],
            }
        )
    return {"sections": sections, "procedures": chosen}
