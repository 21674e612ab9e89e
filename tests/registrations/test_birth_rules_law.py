"""The birth declaration's rules as the law states them, case by case."""

import pytest

from tests.registrations.helpers import Api, birth_declaration
from tests.registrations.states import Cast

pytestmark = pytest.mark.usefixtures("divisions")


def submitted_errors(declaration: dict, *, attach: str | None = "medical_birth_certificate") -> dict:
    cast = Cast()
    api = Api(cast.citizen)
    created = api.create(declaration)
    assert created.status_code == 201, created.json()
    key = created.json()["id"]
    if attach:
        assert api.attach(key, attach).status_code == 201
    response = api.act(key, "submit")
    return {} if response.status_code == 200 else response.json()["errors"]


@pytest.mark.parametrize(
    ("child", "mother", "father", "refused"),
    [
        # Civil Code 2015, Art. 29.2: the child's ethnicity is the father's or the mother's.
        ("01", "01", "01", False),
        ("02", "01", "02", False),
        ("03", "01", "02", True),
        ("03", "03", None, False),
    ],
)
def test_the_childs_ethnicity_is_the_fathers_or_the_mothers(child, mother, father, refused):
    declaration = birth_declaration()
    declaration["child"]["ethnicity"], declaration["mother"]["ethnicity"] = child, mother
    if father is None:
        declaration.pop("father")
    else:
        declaration["father"]["ethnicity"] = father
    assert ("child.ethnicity" in submitted_errors(declaration)) is refused


@pytest.mark.parametrize(
    ("attachment", "accepted"),
    [
        # Law on Civil Status 2014, Art. 16.1: the medical birth certificate, or without it a witness's
        # statement of the birth, or without a witness a written commitment about the birth.
        ("medical_birth_certificate", True),
        ("witness_statement", True),
        ("birth_commitment", True),
        ("relationship_proof", False),
        (None, False),
    ],
)
def test_a_witness_statement_or_a_commitment_stands_in_for_the_certificate(attachment, accepted):
    errors = submitted_errors(birth_declaration(), attach=attachment)
    assert ("attachments.medical_birth_certificate" not in errors) is accepted


def test_a_person_caring_for_the_child_may_file():
    """Law on Civil Status 2014, Art. 15: a person or organisation caring for the child registers the
    birth when the parents cannot."""
    declaration = birth_declaration()
    declaration["requester"]["relationship"] = "caregiver"
    assert "requester.relationship" not in submitted_errors(declaration)


def test_ethnic_groups_are_spelled_as_the_statistics_office_lists_them():
    """General Statistics Office, list of Vietnam's ethnic groups (Decision 121-TCTK/PPCĐ of 2 March
    1979, restated by Decision 1019/QĐ-TCTK of 12 November 2008): code 47 is "Cờ Lao"."""
    from registrations.constants import ETHNICITY_CHOICES

    names = dict(ETHNICITY_CHOICES)
    assert names["47"] == "Cờ Lao"
    assert (names["01"], names["55"], len(names)) == ("Kinh", "Người nước ngoài", 55)
