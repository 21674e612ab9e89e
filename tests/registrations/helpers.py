"""Complete declarations and a small API client for the bundle tests."""

from __future__ import annotations

import copy
import itertools
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.factories import WARD_A, valid_personal_id

_certificates = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def birth_declaration(
    *, procedures=("permanent_residence", "health_insurance"), ward=WARD_A, child_born=None
):
    child_born = child_born or date.today() - timedelta(days=10)
    mother_born = date(1995, 3, 12)
    father_born = date(1992, 8, 1)
    return {
        "group": "birth",
        "procedures": list(procedures),
        "registration_ward": ward,
        "requester": {"relationship": "mother", "phone": "0912345678", "email": "me@example.invalid"},
        "child": {
            "full_name": "Nguyễn Minh Khôi",
            "sex": "male",
            "date_of_birth": child_born.isoformat(),
            "ethnicity": "01",
            "nationality": "VN",
        },
        "mother": {
            "full_name": "Nguyễn Thị Lan",
            "date_of_birth": mother_born.isoformat(),
            "sex": "female",
            "id_number": valid_personal_id(date_of_birth=mother_born, sex="female"),
            "ethnicity": "01",
            "nationality": "VN",
            "residence_address": "Số 5 đường Lê Lợi",
            "ward_code": ward,
        },
        "father": {
            "full_name": "Trần Văn Hùng",
            "date_of_birth": father_born.isoformat(),
            "sex": "male",
            "id_number": valid_personal_id(date_of_birth=father_born, sex="male"),
            "ethnicity": "01",
            "nationality": "VN",
            "residence_address": "Số 5 đường Lê Lợi",
            "ward_code": ward,
        },
        "birth": {
            "time_of_birth": "08:30",
            "place_of_birth_facility": "Bệnh viện Sản Nhi Nghệ An",
            "place_of_birth_ward": ward,
            "hometown": "Nghi Lộc, Nghệ An",
            "medical_birth_certificate_number": f"GCS-{next(_certificates):06d}",
        },
        "residence": {
            "address": "Số 5 đường Lê Lợi",
            "ward_code": ward,
            "household_head_full_name": "Trần Văn Hùng",
            "household_head_id_number": valid_personal_id(date_of_birth=father_born, sex="male"),
            "relationship_to_head": "con",
            "owner_consent": True,
            "collective_household": False,
        },
        "health_insurance": {"primary_care_facility": "Trạm y tế phường Trường Vinh", "first_card": True},
        "child_id_card": {"delivery_method": "pickup"},
    }


def death_declaration(
    *,
    procedures=("residence_removal", "funeral_allowance"),
    ward=WARD_A,
    regime="social_insurance",
    survivor=False,
    died=None,
):
    died = died or date.today() - timedelta(days=3)
    born = date(1945, 5, 2)
    beneficiary_born = date(1970, 1, 9)
    data = {
        "group": "death",
        "procedures": list(procedures),
        "registration_ward": ward,
        "requester": {"relationship": "child", "phone": "0987654321"},
        "deceased": {
            "full_name": "Lê Văn Bảy",
            "date_of_birth": born.isoformat(),
            "sex": "male",
            "id_number": valid_personal_id(date_of_birth=born, sex="male"),
            "ethnicity": "01",
            "nationality": "VN",
            "residence_address": "Xóm 3",
            "ward_code": ward,
        },
        "death": {
            "last_residence_address": "Xóm 3",
            "ward_code": ward,
            "date_of_death": died.isoformat(),
            "time_of_death": "22:10",
            "place_of_death": "Tại nhà",
            "cause_of_death": "Tuổi già",
            "death_notice_number": f"GBT-{next(_certificates):06d}",
            "death_notice_issuer": "Trạm y tế phường",
            "death_notice_date": died.isoformat(),
        },
        "funeral_allowance": {
            "regime": regime,
            "beneficiary": {
                "full_name": "Lê Thị Tám",
                "date_of_birth": beneficiary_born.isoformat(),
                "sex": "female",
                "id_number": valid_personal_id(date_of_birth=beneficiary_born, sex="female"),
                "relationship": "child",
            },
            "bank_account": {
                "bank_code": "VCB",
                "account_number": "0123456789",
                "account_holder": "Lê Thị Tám",
            },
            "survivor_benefit": {"requested": survivor},
        },
    }
    if survivor:
        data["funeral_allowance"]["survivor_benefit"].update(
            survivors=[
                {
                    "full_name": "Nguyễn Thị Chín",
                    "date_of_birth": "1950-02-03",
                    "sex": "female",
                    "relationship": "spouse",
                }
            ],
            preferred_form="monthly",
        )
    return data


def start_body(declaration: dict) -> dict:
    """What the API takes to start a draft: the declaration, and the privacy notice accepted."""
    return {**declaration, "privacy_notice_accepted": True}


class Api:
    """A thin client: one per actor, authenticated by force."""

    def __init__(self, user):
        self.user = user
        self.client = APIClient()
        self.client.force_authenticate(user)

    def create(self, declaration):
        return self.client.post("/api/v1/bundles/", start_body(declaration), format="json")

    def get(self, key):
        return self.client.get(f"/api/v1/bundles/{key}/")

    def patch(self, key, data):
        return self.client.patch(f"/api/v1/bundles/{key}/", data, format="json")

    def act(self, key, action, data=None):
        return self.client.post(f"/api/v1/bundles/{key}/{action}/", data or {}, format="json")

    def attach(self, key, kind, content=PDF, name="scan.pdf"):
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        return self.client.post(
            f"/api/v1/bundles/{key}/attachments/", {"kind": kind, "file": upload}, format="multipart"
        )


def submitted(citizen, declaration):
    """Create, attach what the registration needs, submit; returns the bundle id."""
    api = Api(citizen)
    created = api.create(copy.deepcopy(declaration))
    assert created.status_code == 201, created.json()
    key = created.json()["id"]
    kind = "medical_birth_certificate" if declaration["group"] == "birth" else "death_notice"
    assert api.attach(key, kind).status_code == 201
    response = api.act(key, "submit")
    assert response.status_code == 200, response.json()
    return key
