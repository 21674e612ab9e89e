"""Display names are bilingual: the catalogue's procedures, the agencies, the regimes, the states and
the kinds of document read Vietnamese on Vietnamese pages and English on English ones."""

import pytest
from django.utils import translation

from registrations.constants import AttachmentKind, BundleState, Regime, StepState
from registrations.models import PROCEDURE_LABELS, AgencyName, Procedure

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.mark.parametrize(
    ("label", "vietnamese", "english"),
    [
        (BundleState.AWAITING_CITIZEN.label, "Chờ công dân bổ sung", "Waiting for the citizen's supplement"),
        (StepState.DEAD.label, "Gửi thất bại", "Sending failed"),
        (Regime.SOCIAL_PROTECTION.label, "Đối tượng bảo trợ xã hội", "Social-protection beneficiary"),
        (AttachmentKind.DEATH_NOTICE.label, "Giấy báo tử", "Death notice"),
        (PROCEDURE_LABELS["child_id_card"], "Cấp thẻ căn cước cho trẻ", "Identity card for the child"),
    ],
)
def test_code_level_names_follow_the_page_language(label, vietnamese, english):
    with translation.override("vi"):
        assert str(label) == vietnamese
    with translation.override("en"):
        assert str(label) == english


def test_every_catalogue_procedure_and_agency_has_an_english_name(db):
    assert not Procedure.objects.filter(name_en="").exists()
    procedure = Procedure.objects.filter(code="health_insurance").first()
    with translation.override("en"):
        assert procedure.shown_name == "Health insurance card for a child under 6"
    with translation.override("vi"):
        assert procedure.shown_name == procedure.name
    assert not AgencyName.objects.filter(name_en="").exists()
