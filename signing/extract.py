"""What an extract prints, field by field, as the Ministry of Justice's forms have them (Circular
04/2020/TT-BTP): dates in figures and in words, the parents' nationality and residence from the
declaration, the deceased's last residence, places written in the form's case ("phường Trường Vinh,
tỉnh Nghệ An"). Assembled without reportlab or pyHanko, which only the drawing and the signature need."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from registrations.constants import COUNTRIES, ETHNICITIES, Group, PersonRole, Relationship
from registrations.models import Bundle

from .content import ExtractContent, vn_date
from .words import date_in_words

SEX = {"male": "Nam", "female": "Nữ"}
NO_ID_YET = "(sẽ bổ sung khi cơ quan công an cấp)"


def _person(bundle: Bundle, role: str):
    return next((p for p in bundle.people.all() if p.role == role), None)


def in_sentence(ward) -> str:
    """A ward as running text writes it: its unit in lower case ("phường Trường Vinh, tỉnh Nghệ An")."""
    if ward is None:
        return ""
    unit = ward.division_type
    name = ward.name
    if unit and name.lower().startswith(unit.lower() + " "):
        name = unit.lower() + name[len(unit) :]
    return f"{name}, {ward.province.full_name}"


def _place(address: str, ward) -> str:
    return ", ".join(part for part in (address, in_sentence(ward)) if part)


def _nationality(person) -> str:
    code = getattr(person, "nationality", "") or ""
    return COUNTRIES.get(code, code)


def _parent_rows(person, whose: str) -> list[tuple[str, str]]:
    return [
        (f"Họ, chữ đệm, tên người {whose}", person.full_name),
        (f"Năm sinh của {whose}", f"{person.date_of_birth:%Y}" if person.date_of_birth else ""),
        (f"Dân tộc của {whose}", ETHNICITIES.get(person.ethnicity, "")),
        (f"Quốc tịch của {whose}", _nationality(person)),
        (f"Nơi cư trú của {whose}", _place(person.residence_address, person.residence_ward)),
    ]


def _birth_rows(bundle: Bundle) -> tuple[list[tuple[str, str]], list[str]]:
    child, mother, father = (
        _person(bundle, r) for r in (PersonRole.CHILD, PersonRole.MOTHER, PersonRole.FATHER)
    )
    birth = bundle.birth
    born = child.date_of_birth
    rows = [
        ("Họ, chữ đệm, tên", child.full_name),
        ("Ngày, tháng, năm sinh", vn_date(born)),
        ("Ghi bằng chữ", date_in_words(born) if born else ""),
        ("Giới tính", SEX.get(child.sex, "")),
        ("Dân tộc", ETHNICITIES.get(child.ethnicity, "")),
        ("Quốc tịch", _nationality(child)),
        ("Nơi sinh", _place(birth.place_of_birth_facility, birth.place_of_birth_ward)),
        ("Quê quán", birth.hometown),
        ("Số định danh cá nhân", child.id_number or NO_ID_YET),
    ]
    if mother:
        rows += _parent_rows(mother, "mẹ")
    if father and father.full_name:
        rows += _parent_rows(father, "cha")
    notes = (
        []
        if child.id_number
        else ["Trích lục cấp khi chưa có số định danh cá nhân; sẽ được cấp lại khi có số."]
    )
    return rows, notes


def _death_rows(bundle: Bundle) -> list[tuple[str, str]]:
    deceased, death, requester = (
        _person(bundle, PersonRole.DECEASED),
        bundle.death,
        _person(bundle, PersonRole.REQUESTER),
    )
    when = f"ngày {death.date_of_death:%d/%m/%Y}" if death.date_of_death else ""
    if death.time_of_death:
        when = f"{death.time_of_death:%H giờ %M phút}, {when}"
    relationship = dict(Relationship.choices).get(bundle.requester_relationship, "")
    return [
        ("Họ, chữ đệm, tên người chết", deceased.full_name),
        ("Ngày, tháng, năm sinh", vn_date(deceased.date_of_birth)),
        ("Giới tính", SEX.get(deceased.sex, "")),
        ("Dân tộc", ETHNICITIES.get(deceased.ethnicity, "")),
        ("Quốc tịch", _nationality(deceased)),
        ("Số định danh cá nhân", deceased.id_number or ""),
        ("Nơi cư trú cuối cùng", _place(death.last_residence_address, death.last_residence_ward)),
        ("Đã chết vào lúc", when),
        ("Nơi chết", _place(death.place_of_death, death.place_of_death_ward)),
        ("Nguyên nhân chết", death.cause_of_death),
        (
            "Giấy báo tử",
            f"Số {death.death_notice_number} do {death.death_notice_issuer} cấp ngày "
            f"{vn_date(death.death_notice_date)}",
        ),
        ("Họ, chữ đệm, tên người đi khai tử", requester.full_name if requester else ""),
        ("Quan hệ với người chết", str(relationship)),
    ]


def extract_content(
    *,
    bundle: Bundle,
    title: str,
    signer_name: str,
    signer_title: str,
    signed_on: date,
    token: str,
    preview: bool = False,
) -> ExtractContent:
    """The extract's fields in the form's order; never an address beyond what the book records."""
    if bundle.group == Group.BIRTH:
        rows, notes = _birth_rows(bundle)
    else:
        rows, notes = _death_rows(bundle), []
    registered = timezone.localtime(bundle.registered_at).date() if bundle.registered_at else None
    rows += [
        ("Nơi đăng ký", f"Ủy ban nhân dân {in_sentence(bundle.ward)}"),
        ("Ngày, tháng, năm đăng ký", vn_date(registered)),
    ]
    return ExtractContent(
        title=title,
        ward_name=bundle.ward.name,
        province_name=bundle.ward.province.full_name,
        registration_number=bundle.registration_number,
        registration_book=bundle.registration_book,
        rows=rows,
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title,
        verify_url=settings.SITE_URL + reverse("signing:verify", kwargs={"token": token}),
        preview=preview,
        notes=notes,
    )
