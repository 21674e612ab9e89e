"""Versioned JSON Schemas of each procedure's payload and of the result an agency returns: the core
checks what it hands over to be sent and what comes back before storing it, and the mock agencies
check what they receive, against the same definitions. Patterns say [0-9], not \\d: Python's \\d
also matches "١٢٣" and other scripts' digits."""

from __future__ import annotations

from functools import cache

from jsonschema import Draft202012Validator

from portal.common.identifiers import BHYT_PATTERN

SCHEMA_VERSION = "1"

_DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_PID = {"type": "string", "pattern": r"^[0-9]{12}$"}
_NAME = {"type": "string", "minLength": 1, "maxLength": 100}
_SEX = {"enum": ["male", "female"]}
_WARD = {"type": "integer", "minimum": 1}


def _object(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


_PERSON_WITH_ID = _object(
    {"full_name": _NAME, "personal_id": _PID, "date_of_birth": _DATE, "sex": _SEX},
    ["full_name", "personal_id", "date_of_birth", "sex"],
)
_PARENT = _object({"full_name": _NAME, "personal_id": _PID}, ["full_name", "personal_id"])
_REGISTRATION = _object(
    {
        "ward_code": _WARD,
        "number": {"type": "integer", "minimum": 1},
        "book": {"type": "string"},
        "registered_on": _DATE,
    },
    ["ward_code", "number", "book", "registered_on"],
)

SCHEMAS: dict[str, dict] = {
    "personal_id": _object(
        {
            "child": _object(
                {
                    "full_name": _NAME,
                    "date_of_birth": _DATE,
                    "sex": _SEX,
                    "ethnicity": {"type": "string", "pattern": r"^[0-9]{2}$"},
                    "nationality": {"type": "string", "pattern": r"^[A-Z]{2}$"},
                    "place_of_birth_ward": _WARD,
                },
                ["full_name", "date_of_birth", "sex", "nationality"],
            ),
            "mother": _PARENT,
            "father": {"oneOf": [{"type": "null"}, _PARENT]},
            "registration": _REGISTRATION,
        },
        ["child", "mother", "registration"],
    ),
    "permanent_residence": _object(
        {
            "person": _PERSON_WITH_ID,
            "address": {"type": "string", "minLength": 1},
            "ward_code": _WARD,
            "household_head": _object(
                {"full_name": _NAME, "personal_id": _PID}, ["full_name", "personal_id"]
            ),
            "relationship_to_head": {"type": "string", "minLength": 1},
            "owner_consent": {"const": True},
        },
        ["person", "address", "ward_code", "household_head", "relationship_to_head", "owner_consent"],
    ),
    "health_insurance": _object(
        {
            "child": _PERSON_WITH_ID,
            "primary_care_facility": {"type": "string", "minLength": 1},
            "ward_code": _WARD,
        },
        ["child", "primary_care_facility", "ward_code"],
    ),
    "child_id_card": _object(
        {
            "child": _PERSON_WITH_ID,
            "delivery": _object(
                {"method": {"enum": ["pickup", "post"]}, "address": {"type": "string"}}, ["method"]
            ),
        },
        ["child", "delivery"],
    ),
    "residence_removal": _object(
        {"deceased": _PERSON_WITH_ID, "date_of_death": _DATE, "death_registration": _REGISTRATION},
        ["deceased", "date_of_death", "death_registration"],
    ),
    "funeral_allowance": _object(
        {
            "regime": {"enum": ["social_insurance", "social_protection", "meritorious"]},
            "deceased": _PERSON_WITH_ID,
            "date_of_death": _DATE,
            "death_registration": _REGISTRATION,
            "beneficiary": _object(
                {"full_name": _NAME, "personal_id": _PID, "relationship": {"type": "string"}},
                ["full_name", "personal_id", "relationship"],
            ),
            "bank_account": _object(
                {
                    "bank_code": {"type": "string"},
                    "account_number": {"type": "string"},
                    "account_holder": _NAME,
                },
                ["bank_code", "account_number", "account_holder"],
            ),
            "survivor_benefit": _object(
                {
                    "requested": {"type": "boolean"},
                    "survivors": {
                        "type": "array",
                        "items": _object(
                            {
                                "full_name": _NAME,
                                "date_of_birth": {"oneOf": [{"type": "null"}, _DATE]},
                                "relationship": {"type": "string"},
                            },
                            ["full_name", "relationship"],
                        ),
                    },
                    "preferred_form": {"enum": ["", "monthly", "lump_sum"]},
                },
                ["requested"],
            ),
        },
        [
            "regime",
            "deceased",
            "date_of_death",
            "death_registration",
            "beneficiary",
            "bank_account",
            "survivor_benefit",
        ],
    ),
}


@cache
def validator(procedure: str) -> Draft202012Validator:
    return Draft202012Validator(SCHEMAS[procedure])


def payload_errors(procedure: str, payload: dict) -> list[str]:
    if procedure not in SCHEMAS:
        return [f"unknown procedure {procedure!r}"]
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(payload)'}: {e.message}"
        for e in validator(procedure).iter_errors(payload)
    ]


# --- results ------------------------------------------------------------------------------------

# A reference an agency gives (a confirmation or decision number): printable, one line, bounded.
_REF = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"^[^\x00-\x1f\x7f]+$"}
_TEXT = {"type": "string", "maxLength": 300, "pattern": r"^[^\x00-\x1f\x7f]*$"}
# DOMAIN.md §5: today's card carries the 10-digit social-insurance number; the legacy 15-character
# code is 2 letters, a benefit level 1–5, a 2-digit province and 10 digits.
_BHYT = {"type": "string", "pattern": BHYT_PATTERN}

RESULT_SCHEMAS: dict[str, dict] = {
    "personal_id": _object({"personal_id": _PID}, ["personal_id"]),
    "permanent_residence": _object(
        {"confirmation_number": _REF, "registered_on": _DATE}, ["confirmation_number"]
    ),
    "health_insurance": _object(
        {"card_number": _BHYT, "valid_from": _DATE, "valid_to": _DATE, "primary_care_facility": _TEXT},
        ["card_number", "valid_to"],
    ),
    "child_id_card": _object(
        {
            "card_number": _PID,
            "issued_on": _DATE,
            "delivery_method": {"enum": ["pickup", "post"]},
            "postal_tracking": _REF,
        },
        ["card_number"],
    ),
    "residence_removal": _object({"confirmation_number": _REF, "removed_on": _DATE}, ["confirmation_number"]),
    "funeral_allowance": _object(
        {
            "decision_number": _REF,
            "amount_vnd": {"type": "integer", "minimum": 0, "maximum": 10**12},
            "legal_basis": {**_TEXT, "maxLength": 1000},  # a rule's text and its rate's decree
            "payee": _NAME,
            "payment_reference": _REF,
            "survivor_benefit": _object(
                {
                    "decision_number": _REF,
                    "form": {"enum": ["monthly", "lump_sum"]},
                    "beneficiaries": {"type": "array", "items": _NAME, "maxItems": 20},
                },
                ["decision_number"],
            ),
        },
        ["decision_number", "amount_vnd"],
    ),
}


@cache
def result_validator(procedure: str) -> Draft202012Validator:
    return Draft202012Validator(RESULT_SCHEMAS[procedure])


def result_errors(procedure: str, result) -> list[str]:
    """What is wrong with an agency's result for ``procedure``; nothing of it may be stored then."""
    if procedure not in RESULT_SCHEMAS:
        return [f"unknown procedure {procedure!r}"]
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(result)'}: {e.message}"
        for e in result_validator(procedure).iter_errors(result)
    ]
