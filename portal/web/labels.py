"""Vietnamese labels for the declaration, in the order of the official forms."""

from __future__ import annotations

from datetime import date, time

from portal.common.identifiers import mask_personal_id
from registrations.constants import ETHNICITIES, DeliveryMethod, PreferredForm, Regime, Relationship, Sex

FIELD_LABELS = {
    "full_name": "Họ, chữ đệm, tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "ethnicity": "Dân tộc",
    "nationality": "Quốc tịch",
    "id_number": "Số định danh cá nhân",
    "residence_address": "Nơi cư trú",
    "ward_code": "Mã xã, phường",
    "relationship": "Quan hệ",
    "phone": "Điện thoại",
    "email": "Email",
    "time_of_birth": "Giờ sinh",
    "place_of_birth_facility": "Nơi sinh",
    "place_of_birth_ward": "Xã, phường nơi sinh",
    "hometown": "Quê quán",
    "medical_birth_certificate_number": "Số giấy chứng sinh",
    "address": "Địa chỉ",
    "household_head_full_name": "Chủ hộ",
    "household_head_id_number": "Số định danh chủ hộ",
    "relationship_to_head": "Quan hệ với chủ hộ",
    "owner_consent": "Chủ hộ đồng ý",
    "collective_household": "Hộ tập thể",
    "primary_care_facility": "Nơi khám chữa bệnh ban đầu",
    "first_card": "Cấp thẻ lần đầu",
    "delivery_method": "Cách nhận thẻ",
    "delivery_address": "Địa chỉ nhận thẻ",
    "last_residence_address": "Nơi cư trú cuối cùng",
    "date_of_death": "Ngày chết",
    "time_of_death": "Giờ chết",
    "place_of_death": "Nơi chết",
    "cause_of_death": "Nguyên nhân chết",
    "death_notice_number": "Số giấy báo tử",
    "death_notice_issuer": "Nơi cấp giấy báo tử",
    "death_notice_date": "Ngày cấp giấy báo tử",
    "regime": "Chế độ",
    "bank_code": "Ngân hàng",
    "account_number": "Số tài khoản",
    "account_holder": "Chủ tài khoản",
    "requested": "Đề nghị hưởng tuất",
    "preferred_form": "Hình thức hưởng",
}
SECTION_LABELS = {
    "requester": "Người yêu cầu",
    "child": "Trẻ được khai sinh",
    "mother": "Mẹ",
    "father": "Cha",
    "birth": "Thông tin khai sinh",
    "residence": "Đăng ký thường trú",
    "health_insurance": "Bảo hiểm y tế",
    "child_id_card": "Thẻ căn cước cho trẻ",
    "deceased": "Người chết",
    "death": "Thông tin khai tử",
    "funeral_allowance": "Mai táng phí, trợ cấp tuất",
    "beneficiary": "Người nhận trợ cấp",
    "bank_account": "Tài khoản nhận",
    "survivor_benefit": "Trợ cấp tuất",
}
CHOICES = {
    **dict(Sex.choices),
    **dict(Relationship.choices),
    **dict(Regime.choices),
    **dict(DeliveryMethod.choices),
    **dict(PreferredForm.choices),
}


def display(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if name == "ethnicity":
        return ETHNICITIES.get(value, value)
    return str(CHOICES.get(value, value))


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
                rows.append((f"{prefix}{name}", FIELD_LABELS.get(name, name), shown))
        out.append((key, title, rows))
        for name, value in nested:
            walk(f"{key}.{name}", SECTION_LABELS.get(name.split()[0], name), value, f"{prefix}{name}.")

    for key, value in declaration.items():
        if isinstance(value, dict):
            walk(key, SECTION_LABELS.get(key, key), value, f"{key}.")
    return out


RESULT_LABELS = {
    "registration_number": "Số đăng ký",
    "book": "Quyển số",
    "personal_id": "Số định danh cá nhân",
    "confirmation_number": "Số xác nhận",
    "registered_on": "Ngày đăng ký",
    "removed_on": "Ngày xoá đăng ký",
    "card_number": "Số thẻ",
    "valid_from": "Có giá trị từ",
    "valid_to": "Có giá trị đến",
    "primary_care_facility": "Nơi khám chữa bệnh ban đầu",
    "issued_on": "Ngày cấp",
    "delivery_method": "Cách nhận thẻ",
    "postal_tracking": "Mã bưu gửi",
    "decision_number": "Số quyết định",
    "amount_vnd": "Số tiền",
    "payee": "Người nhận",
    "payment_reference": "Mã chuyển khoản",
    "survivor_benefit": "Trợ cấp tuất",
    "form": "Hình thức",
    "beneficiaries": "Người hưởng",
}


def result_rows(result: dict) -> list[tuple[str, str]]:
    """An agency's result in words a family reads: labelled, dates as dd/mm/yyyy, money grouped."""
    rows = []
    for name, value in (result or {}).items():
        if isinstance(value, dict):
            rows += [
                (f"{RESULT_LABELS.get(name, name)} — {label}", shown) for label, shown in result_rows(value)
            ]
            continue
        if name == "amount_vnd" and isinstance(value, int):
            shown = f"{value:,} đồng".replace(",", ".")
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            shown = f"{value[8:]}/{value[5:7]}/{value[:4]}"
        else:
            shown = str(CHOICES.get(value, value))
        rows.append((RESULT_LABELS.get(name, name), shown))
    return rows


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


def procedure_sections(declaration: dict, procedures: list) -> list[dict]:
    """[{code, name, agency, sections}] for the review page, sections as ``declaration_sections``."""
    sections = declaration_sections(declaration)
    out = []
    for code, procedure in procedures:
        keys = PROCEDURE_SECTIONS.get(code, ())
        chosen = [s for s in sections if s[0].split(".")[0] in keys and s[2]]
        out.append(
            {
                "code": code,
                "name": procedure.name,
                "agency": procedure.get_agency_display(),
                "sections": chosen,
            }
        )
    return out
