"""The mock agencies answer what the result schemas accept, for every procedure and variant, so the
portal's check of a result and the service it is tested against cannot drift apart."""

import pytest

from interconnect.mock_agencies import behaviour
from interconnect.mock_agencies.models import MockRequest
from registrations.delivery import step_delivery
from registrations.payload_schemas import RESULT_SCHEMAS, result_errors
from tests.registrations.helpers import birth_declaration, death_declaration
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")


def answered(bundle) -> dict[str, dict]:
    out = {}
    for step in bundle.steps.exclude(procedure__in=["birth_registration", "death_registration"]):
        delivery = step_delivery(step_id=step.pk)
        assert not delivery.problem, delivery.problem
        request = MockRequest(
            agency=delivery.agency,
            idempotency_key=delivery.key,
            procedure=delivery.procedure,
            payload=delivery.payload,
            reference="R-000123",
        )
        out[step.procedure] = behaviour.produce(request)
    return out


def test_every_result_the_mock_gives_passes_its_schema(db):
    cast = Cast()
    posted = birth_declaration(procedures=("permanent_residence", "health_insurance", "child_id_card"))
    posted["child_id_card"] = {"delivery_method": "post", "delivery_address": "Số 5 đường Lê Lợi"}
    results = answered(build("signed", cast, posted))
    results |= answered(build("signed", cast, death_declaration(survivor=True)))
    results["funeral_allowance (social protection)"] = answered(
        build("signed", cast, death_declaration(regime="social_protection"))
    )["funeral_allowance"]
    assert set(RESULT_SCHEMAS) <= {name.split(" ")[0] for name in results}
    for name, result in results.items():
        assert result_errors(name.split(" ")[0], result) == [], (name, result)


@pytest.mark.parametrize(
    ("procedure", "result"),
    [
        ("personal_id", {"personal_id": "١٢٣٤٥٦٧٨٩٠١٢"}),
        ("health_insurance", {"card_number": "61451", "valid_to": "2032-01-01"}),
        ("funeral_allowance", {"decision_number": "QĐ-1", "amount_vnd": "25300000"}),
        ("residence_removal", {"confirmation_number": "a\x00b"}),
        ("child_id_card", {"card_number": "040226000001", "extra": "not in the contract"}),
    ],
)
def test_a_result_off_its_schema_is_named(procedure, result):
    assert result_errors(procedure, result)
