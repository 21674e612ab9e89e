"""Where a birth or a death is registered, as the catalogue version in force says: submitted through
the API, the same way a family files."""

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.factories import WARD_A, WARD_B
from tests.registrations.helpers import Api, birth_declaration, death_declaration
from tests.registrations.states import Cast

pytestmark = pytest.mark.usefixtures("divisions")
BEFORE_LAW_2026 = datetime(2027, 2, 26, 9, 0)  # a Friday, under Decree 301/2026's catalogue
UNDER_LAW_2026 = datetime(2027, 3, 2, 9, 0)  # a Tuesday, under Law 03/2026/QH16


def submit_errors(declaration: dict, *, at: datetime, attach: str) -> dict:
    with time_machine.travel(timezone.make_aware(at), tick=False):
        api = Api(Cast().citizen)
        created = api.create(declaration)
        assert created.status_code == 201, created.json()
        key = created.json()["id"]
        assert api.attach(key, attach).status_code == 201
        answer = api.act(key, "submit")
    return {} if answer.status_code == 200 else answer.json()["errors"]


@pytest.mark.parametrize(
    ("at", "refused"),
    [
        # Law on Civil Status 2014, Art. 13: at the residence of the father or the mother.
        (BEFORE_LAW_2026, True),
        # Law on Civil Status 03/2026/QH16, in force 1 March 2027: regardless of residence.
        (UNDER_LAW_2026, False),
    ],
)
def test_a_birth_away_from_the_parents_residence_by_the_catalogue_in_force(at, refused):
    declaration = birth_declaration(child_born=at.date().replace(day=1), ward=WARD_A)
    declaration["registration_ward"] = WARD_B
    errors = submit_errors(declaration, at=at, attach="medical_birth_certificate")
    assert ("registration_ward" in errors) is refused, errors


def death_with(*, last_ward, died_in, registered_at, procedures=("funeral_allowance",)) -> dict:
    declaration = death_declaration(procedures=procedures)
    declaration["registration_ward"] = registered_at
    declaration["death"]["ward_code"] = last_ward
    if last_ward is None:
        declaration["death"].pop("last_residence_address")
    declaration["death"]["place_of_death_ward"] = died_in
    return declaration


@pytest.mark.parametrize(
    ("last_ward", "died_in", "registered_at", "field"),
    [
        # Law on Civil Status 2014, Art. 32: at the commune of the last residence…
        (WARD_A, WARD_B, WARD_A, None),
        (WARD_A, WARD_B, WARD_B, "registration_ward"),
        # …and where that is not known, at the commune where the person died.
        (None, WARD_B, WARD_B, None),
        (None, WARD_B, WARD_A, "registration_ward"),
        (None, None, WARD_A, "death.ward_code"),
    ],
)
def test_a_death_is_registered_at_the_last_residence_or_else_where_the_person_died(
    last_ward, died_in, registered_at, field
):
    declaration = death_with(last_ward=last_ward, died_in=died_in, registered_at=registered_at)
    errors = submit_errors(declaration, at=UNDER_LAW_2026, attach="death_notice")
    assert (set(errors) & {"registration_ward", "death.ward_code"}) == ({field} if field else set()), errors


def test_deregistering_a_residence_needs_the_last_residence():
    declaration = death_with(
        last_ward=None, died_in=WARD_B, registered_at=WARD_B, procedures=("residence_removal",)
    )
    errors = submit_errors(declaration, at=UNDER_LAW_2026, attach="death_notice")
    assert errors["death.ward_code"] == ["Xoá đăng ký thường trú cần nơi cư trú cuối cùng của người chết."]
