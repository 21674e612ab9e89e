"""What each procedure sends to its agency, built from the bundle's declaration. Each payload is
checked against its versioned schema (``payload_schemas``), the one the mock agencies check it with."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .models import Step


class PayloadError(Exception):
    """The bundle lacks what the agency needs: a person must correct it (not retried)."""


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _person_with_id(person: dict | None, *, what: str) -> dict:
    if not person or not person.get("id_number"):
        raise PayloadError(f"Chưa có số định danh của {what}.")
    return {
        "full_name": person["full_name"],
        "personal_id": person["id_number"],
        "date_of_birth": _iso(person["date_of_birth"]),
        "sex": person["sex"],
    }


def _registration(step: Step) -> dict:
    bundle = step.bundle
    return {
        "ward_code": bundle.ward_id,
        "number": bundle.registration_number,
        "book": bundle.registration_book,
        "registered_on": timezone.localtime(bundle.registered_at).date().isoformat(),
    }


def _personal_id(step: Step, d: dict) -> dict:
    child, mother, father = d["child"], d["mother"], d.get("father")
    return {
        "child": {
            "full_name": child["full_name"],
            "date_of_birth": _iso(child["date_of_birth"]),
            "sex": child["sex"],
            "ethnicity": child["ethnicity"],
            "nationality": child["nationality"],
            "place_of_birth_ward": d["birth"]["place_of_birth_ward"],
        },
        "mother": {"full_name": mother["full_name"], "personal_id": mother["id_number"]},
        "father": (
            {"full_name": father["full_name"], "personal_id": father["id_number"]}
            if father and father.get("id_number")
            else None
        ),
        "registration": _registration(step),
    }


def _permanent_residence(step: Step, d: dict) -> dict:
    residence = d["residence"]
    return {
        "person": _person_with_id(d["child"], what="trẻ"),
        "address": residence["address"],
        "ward_code": residence["ward_code"],
        "household_head": {
            "full_name": residence["household_head_full_name"],
            "personal_id": residence["household_head_id_number"],
        },
        "relationship_to_head": residence["relationship_to_head"],
        "owner_consent": residence["owner_consent"],
    }


def _child_id_card(step: Step, d: dict) -> dict:
    card = d["child_id_card"]
    delivery = {"method": card["delivery_method"]}
    if card["delivery_method"] == "post":
        delivery["address"] = card["delivery_address"]
    return {"child": _person_with_id(d["child"], what="trẻ"), "delivery": delivery}


def _residence_removal(step: Step, d: dict) -> dict:
    return {
        "deceased": _person_with_id(d["deceased"], what="người chết"),
        "date_of_death": _iso(d["death"]["date_of_death"]),
        "death_registration": _registration(step),
    }


def _health_insurance(step: Step, d: dict) -> dict:
    return {
        "child": _person_with_id(d["child"], what="trẻ"),
        "primary_care_facility": d["health_insurance"]["primary_care_facility"],
        "ward_code": step.bundle.ward_id,
    }


def _funeral_allowance(step: Step, d: dict) -> dict:
    funeral = d["funeral_allowance"]
    beneficiary = funeral["beneficiary"] or {}
    survivor = funeral["survivor_benefit"]
    return {
        "regime": funeral["regime"],
        "deceased": _person_with_id(d["deceased"], what="người chết"),
        "date_of_death": _iso(d["death"]["date_of_death"]),
        "death_registration": _registration(step),
        "beneficiary": {
            "full_name": beneficiary.get("full_name"),
            "personal_id": beneficiary.get("id_number"),
            "relationship": beneficiary.get("relationship"),
        },
        "bank_account": funeral["bank_account"],
        "survivor_benefit": {
            "requested": bool(survivor["requested"]),
            "survivors": [
                {
                    "full_name": s["full_name"],
                    "date_of_birth": _iso(s["date_of_birth"]),
                    "relationship": s["relationship"],
                }
                for s in survivor["survivors"]
            ],
            "preferred_form": survivor["preferred_form"] or "",
        },
    }


BUILDERS = {
    "personal_id": _personal_id,
    "permanent_residence": _permanent_residence,
    "child_id_card": _child_id_card,
    "residence_removal": _residence_removal,
    "health_insurance": _health_insurance,
    "funeral_allowance": _funeral_allowance,
}
