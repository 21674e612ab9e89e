"""One adapter per agency behind a common base and a registry (as Open Forms does for its
registration backends). An adapter knows which procedures its agency handles and how to turn a
bundle's declaration into each procedure's payload; sending, signing and logging are shared."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from registrations.declaration import declaration_of
from registrations.models import Step

from .schemas import SCHEMA_VERSION, payload_errors


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


class AgencyAdapter:
    agency: str = ""
    procedures: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        return settings.AGENCIES[self.agency]["base_url"].rstrip("/")

    @property
    def secrets(self) -> list[str]:
        return settings.AGENCIES[self.agency]["secrets"]

    def envelope(self, step: Step) -> dict:
        declaration = declaration_of(step.bundle)
        payload = getattr(self, f"payload_{step.procedure}")(step, declaration)
        errors = payload_errors(step.procedure, payload)
        if errors:
            raise PayloadError("Dữ liệu gửi cơ quan chưa hợp lệ: " + "; ".join(errors))
        return {
            "procedure": step.procedure,
            "schema_version": SCHEMA_VERSION,
            "bundle_code": step.bundle.code,
            "callback_url": f"{settings.SITE_URL}/api/v1/interconnect/callbacks/{self.agency}/",
            "payload": payload,
        }


class PoliceAdapter(AgencyAdapter):
    agency = "police"
    procedures = ("personal_id", "permanent_residence", "child_id_card", "residence_removal")

    def payload_personal_id(self, step: Step, d: dict) -> dict:
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

    def payload_permanent_residence(self, step: Step, d: dict) -> dict:
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

    def payload_child_id_card(self, step: Step, d: dict) -> dict:
        card = d["child_id_card"]
        delivery = {"method": card["delivery_method"]}
        if card["delivery_method"] == "post":
            delivery["address"] = card["delivery_address"]
        return {"child": _person_with_id(d["child"], what="trẻ"), "delivery": delivery}

    def payload_residence_removal(self, step: Step, d: dict) -> dict:
        return {
            "deceased": _person_with_id(d["deceased"], what="người chết"),
            "date_of_death": _iso(d["death"]["date_of_death"]),
            "death_registration": _registration(step),
        }


class SocialInsuranceAdapter(AgencyAdapter):
    agency = "social_insurance"
    procedures = ("health_insurance", "funeral_allowance")

    def payload_health_insurance(self, step: Step, d: dict) -> dict:
        return {
            "child": _person_with_id(d["child"], what="trẻ"),
            "primary_care_facility": d["health_insurance"]["primary_care_facility"],
            "ward_code": step.bundle.ward_id,
        }

    def payload_funeral_allowance(self, step: Step, d: dict) -> dict:
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


class LabourAdapter(SocialInsuranceAdapter):
    """Labour–social affairs settles funeral-cost support for social-protection and meritorious people;
    the payload is the same declaration."""

    agency = "labour"
    procedures = ("funeral_allowance",)


REGISTRY: dict[str, AgencyAdapter] = {
    a.agency: a for a in (PoliceAdapter(), SocialInsuranceAdapter(), LabourAdapter())
}


def adapter_for(agency: str) -> AgencyAdapter:
    return REGISTRY[agency]
