"""The declaration: what a family declares, as one nested dictionary with the field names of
DOMAIN.md §4, and how it maps onto the bundle's rows. The API speaks it, completeness rules read it by
dotted path ("child.full_name"), and supplement requests name fields by the same paths."""

from __future__ import annotations

from typing import Any

from .constants import Group, PersonRole
from .models import BirthDetails, Bundle, DeathDetails, Person

PERSON_FIELDS = {
    "full_name": "full_name",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "nationality": "nationality",
    "id_number": "id_number",
    "residence_address": "residence_address",
    "ward_code": "residence_ward_id",
    "relationship": "relationship",
}
# Declaration sections kept on the group's details row: {section: {declared name: model field}}.
BIRTH_SECTIONS = {
    "birth": {
        "time_of_birth": "time_of_birth",
        "place_of_birth_facility": "place_of_birth_facility",
        "place_of_birth_ward": "place_of_birth_ward_id",
        "hometown": "hometown",
        "medical_birth_certificate_number": "medical_birth_certificate_number",
    },
    "residence": {
        "address": "residence_address",
        "ward_code": "residence_ward_id",
        "household_head_full_name": "household_head_full_name",
        "household_head_id_number": "household_head_id_number",
        "relationship_to_head": "relationship_to_head",
        "owner_consent": "owner_consent",
        "collective_household": "collective_household",
    },
    "health_insurance": {"primary_care_facility": "primary_care_facility", "first_card": "bhyt_first_card"},
    "child_id_card": {
        "delivery_method": "id_card_delivery_method",
        "delivery_address": "id_card_delivery_address",
    },
}
DEATH_SECTIONS = {
    "death": {
        "last_residence_address": "last_residence_address",
        "ward_code": "last_residence_ward_id",
        "date_of_death": "date_of_death",
        "time_of_death": "time_of_death",
        "place_of_death": "place_of_death",
        "place_of_death_ward": "place_of_death_ward_id",
        "cause_of_death": "cause_of_death",
        "death_notice_number": "death_notice_number",
        "death_notice_issuer": "death_notice_issuer",
        "death_notice_date": "death_notice_date",
    },
}
FUNERAL_FIELDS = {"regime": "regime"}
BANK_FIELDS = {
    "bank_code": "bank_code",
    "account_number": "bank_account_number",
    "account_holder": "bank_account_holder",
}
SURVIVOR_FIELDS = {"requested": "survivor_benefit_requested", "preferred_form": "survivor_benefit_form"}
BUNDLE_REQUESTER_FIELDS = {
    "relationship": "requester_relationship",
    "phone": "requester_phone",
    "email": "requester_email",
}
PEOPLE_BY_GROUP = {
    Group.BIRTH: (PersonRole.REQUESTER, PersonRole.CHILD, PersonRole.MOTHER, PersonRole.FATHER),
    Group.DEATH: (PersonRole.REQUESTER, PersonRole.DECEASED),
}


def _person(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {name: getattr(person, field) for name, field in PERSON_FIELDS.items()}


def _section(row, fields: dict[str, str]) -> dict[str, Any]:
    return {name: getattr(row, field) for name, field in fields.items()}


def declaration_of(bundle: Bundle) -> dict[str, Any]:
    """The whole declaration of a bundle whose people and details are loaded (see selectors)."""
    people: dict[str, list[Person]] = {}
    for person in bundle.people.all():
        people.setdefault(person.role, []).append(person)
    one = lambda role: (people.get(role) or [None])[0]  # noqa: E731
    data: dict[str, Any] = {
        "group": bundle.group,
        "procedures": list(bundle.procedures),
        "registration_ward": bundle.ward_id,
        "requester": {
            **(_person(one(PersonRole.REQUESTER)) or {}),
            **_section(bundle, BUNDLE_REQUESTER_FIELDS),
        },
    }
    if bundle.group == Group.BIRTH:
        details = _details(bundle)
        for role in (PersonRole.CHILD, PersonRole.MOTHER, PersonRole.FATHER):
            data[role] = _person(one(role))
        for section, fields in BIRTH_SECTIONS.items():
            data[section] = _section(details, fields) if details else None
    else:
        details = _details(bundle)
        data["deceased"] = _person(one(PersonRole.DECEASED))
        for section, fields in DEATH_SECTIONS.items():
            data[section] = _section(details, fields) if details else None
        data["funeral_allowance"] = (
            None
            if details is None
            else {
                **_section(details, FUNERAL_FIELDS),
                "beneficiary": _person(one(PersonRole.BENEFICIARY)),
                "bank_account": _section(details, BANK_FIELDS),
                "survivor_benefit": {
                    **_section(details, SURVIVOR_FIELDS),
                    "survivors": [_person(p) for p in people.get(PersonRole.SURVIVOR, [])],
                },
            }
        )
    return data


def _details(bundle: Bundle) -> BirthDetails | DeathDetails | None:
    attribute = "birth" if bundle.group == Group.BIRTH else "death"
    try:
        return getattr(bundle, attribute)
    except (BirthDetails.DoesNotExist, DeathDetails.DoesNotExist):
        return None


def value_at(data: dict, path: str) -> Any:
    """``value_at(d, "funeral_allowance.beneficiary.full_name")``; None where any part is missing."""
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def apply_declaration(
    bundle: Bundle, data: dict[str, Any]
) -> tuple[list[Person], list[Person], object | None]:
    """Write the sections present in ``data`` (validated, partial) onto ``bundle`` and its rows, in
    memory. Returns (people to save, people to delete, details row to save) for the service to persist."""
    if "registration_ward" in data:
        bundle.ward_id = data["registration_ward"]
    if "procedures" in data:
        bundle.procedures = list(data["procedures"])
    for name, field in BUNDLE_REQUESTER_FIELDS.items():
        if name in data.get("requester", {}):
            _assign(bundle, field, data["requester"][name])

    people = {(p.role, p.pk): p for p in bundle.people.all()} if bundle.pk else {}
    by_role = {}
    for person in people.values():
        by_role.setdefault(person.role, []).append(person)
    to_save: list[Person] = []
    to_delete: list[Person] = []

    def put_person(role: str, values: dict | None) -> None:
        existing = (by_role.get(role) or [None])[0]
        if values is None:
            if existing is not None:
                to_delete.append(existing)
            return
        person = existing or Person(bundle=bundle, role=role)
        for name, value in values.items():
            _assign(person, PERSON_FIELDS[name], value)
        to_save.append(person)

    details = None
    if bundle.group == Group.BIRTH:
        for role in (PersonRole.CHILD, PersonRole.MOTHER, PersonRole.FATHER):
            if role in data:
                put_person(role, data[role])
        if any(section in data for section in BIRTH_SECTIONS):
            details = _details(bundle) or BirthDetails(bundle=bundle)
            for section, fields in BIRTH_SECTIONS.items():
                for name, value in (data.get(section) or {}).items():
                    _assign(details, fields[name], value)
    else:
        if "deceased" in data:
            put_person(PersonRole.DECEASED, data["deceased"])
        funeral = data.get("funeral_allowance")
        if "death" in data or funeral is not None:
            details = _details(bundle) or DeathDetails(bundle=bundle)
            for name, value in (data.get("death") or {}).items():
                _assign(details, DEATH_SECTIONS["death"][name], value)
        if funeral is not None:
            for fields, values in (
                (FUNERAL_FIELDS, funeral),
                (BANK_FIELDS, funeral.get("bank_account") or {}),
                (SURVIVOR_FIELDS, funeral.get("survivor_benefit") or {}),
            ):
                for name, value in values.items():
                    if name in fields:
                        _assign(details, fields[name], value)
            if "beneficiary" in funeral:
                put_person(PersonRole.BENEFICIARY, funeral["beneficiary"])
            survivors = (funeral.get("survivor_benefit") or {}).get("survivors")
            if survivors is not None:
                to_delete.extend(by_role.get(PersonRole.SURVIVOR, []))
                for values in survivors:
                    person = Person(bundle=bundle, role=PersonRole.SURVIVOR)
                    for name, value in values.items():
                        _assign(person, PERSON_FIELDS[name], value)
                    to_save.append(person)
    return to_save, to_delete, details


def _assign(row, attname: str, value: Any) -> None:
    """Store 'not given' as the column expects: NULL where the column allows it, else its default
    (False for a flag) or the empty string."""
    if value is None:
        field = next(f for f in row._meta.concrete_fields if f.attname == attname)
        if not field.null:
            value = field.get_default() if field.has_default() else ""
    setattr(row, attname, value)
