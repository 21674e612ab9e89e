"""Demo bundles, so a first run shows work at every stage: one waiting for the clerk, one whose
personal ID number is on its way, one ready for the leader's signature. Built through the services,
exactly as real ones are."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from portal.accounts.constants import Role
from portal.accounts.models import User

from . import services
from .models import Bundle
from .serializers import DeclarationSerializer

_SCAN = b"%PDF-1.4\n% ban chup minh hoa\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_declaration(group: str, ward: int, citizen: User) -> dict:
    """A complete declaration of ``group`` filed by ``citizen`` (the mother, or a child of the deceased)."""
    today = timezone.localdate()
    if group == "birth":
        born = today - timedelta(days=12)
        return {
            "group": "birth",
            "procedures": ["permanent_residence", "health_insurance", "child_id_card"],
            "registration_ward": ward,
            "requester": {
                "relationship": "mother",
                "phone": "0912345678",
                "email": f"{citizen.username}@example.invalid",
            },
            "child": {
                "full_name": "Nguyễn Ngọc Ánh",
                "sex": "female",
                "date_of_birth": born.isoformat(),
                "ethnicity": "01",
                "nationality": "VN",
            },
            "mother": {
                "full_name": citizen.full_name,
                "date_of_birth": citizen.date_of_birth.isoformat(),
                "sex": citizen.sex,
                "id_number": citizen.id_number,
                "ethnicity": "01",
                "nationality": "VN",
                "residence_address": "Số 12 đường Lê Hồng Phong",
                "ward_code": ward,
            },
            "birth": {
                "time_of_birth": "06:45",
                "place_of_birth_facility": "Bệnh viện Sản Nhi Nghệ An",
                "place_of_birth_ward": ward,
                "hometown": "Nghi Lộc, Nghệ An",
                "medical_birth_certificate_number": f"GCS-DEMO-{citizen.pk:04d}",
            },
            "residence": {
                "address": "Số 12 đường Lê Hồng Phong",
                "ward_code": ward,
                "household_head_full_name": citizen.full_name,
                "household_head_id_number": citizen.id_number,
                "relationship_to_head": "con",
                "owner_consent": True,
                "collective_household": False,
            },
            "health_insurance": {"primary_care_facility": "Trạm y tế phường", "first_card": True},
            "child_id_card": {"delivery_method": "pickup"},
        }
    died = today - timedelta(days=4)
    return {
        "group": "death",
        "procedures": ["residence_removal", "funeral_allowance"],
        "registration_ward": ward,
        "requester": {
            "relationship": "child",
            "phone": "0987654321",
            "email": f"{citizen.username}@example.invalid",
        },
        "deceased": {
            "full_name": "Trần Văn Tư",
            "date_of_birth": "1941-04-02",
            "sex": "male",
            "id_number": "040041000123",
            "ethnicity": "01",
            "nationality": "VN",
            "residence_address": "Xóm 4",
            "ward_code": ward,
        },
        "death": {
            "last_residence_address": "Xóm 4",
            "ward_code": ward,
            "date_of_death": died.isoformat(),
            "time_of_death": "21:30",
            "place_of_death": "Tại nhà riêng",
            "cause_of_death": "Tuổi già",
            "death_notice_number": f"GBT-DEMO-{citizen.pk:04d}",
            "death_notice_issuer": "Trạm y tế phường",
            "death_notice_date": died.isoformat(),
        },
        "funeral_allowance": {
            "regime": "social_insurance",
            "beneficiary": {
                "full_name": citizen.full_name,
                "id_number": citizen.id_number,
                "date_of_birth": citizen.date_of_birth.isoformat(),
                "sex": citizen.sex,
                "relationship": "child",
            },
            "bank_account": {
                "bank_code": "VCB",
                "account_number": "0011223344",
                "account_holder": citizen.full_name,
            },
            "survivor_benefit": {"requested": False},
        },
    }


def _bundle(citizen: User, group: str, ward: int) -> Bundle:
    serializer = DeclarationSerializer(data=demo_declaration(group, ward, citizen))
    serializer.is_valid(raise_exception=True)
    bundle = services.bundle_create_draft(owner=citizen, data=serializer.validated_data)
    kind = "medical_birth_certificate" if group == "birth" else "death_notice"
    scan = ContentFile(_SCAN, name="ban-chup.pdf")
    services.attachment_add(bundle=bundle, actor=citizen, kind=kind, upload=scan)
    return services.bundle_submit(bundle=bundle, actor=citizen)


def demo_bundles_seed(*, ward: int) -> list[Bundle]:
    """Once: skipped when the demo citizens already have bundles."""
    citizens = {u.username: u for u in User.objects.filter(username__in=["citizen1", "citizen2", "citizen3"])}
    if len(citizens) < 3 or Bundle.objects.filter(owner__in=citizens.values()).exists():
        return []
    clerk = User.objects.get(username="clerk1", role=Role.WARD_CLERK)
    waiting = _bundle(citizens["citizen1"], "birth", ward)
    on_its_way = _bundle(citizens["citizen3"], "birth", ward)
    ready = _bundle(citizens["citizen2"], "death", ward)
    for bundle in (on_its_way, ready):
        services.bundle_accept(bundle=bundle, actor=clerk)
        services.bundle_register(bundle=bundle, actor=clerk)
    return [Bundle.objects.get(pk=b.pk) for b in (waiting, on_its_way, ready)]
