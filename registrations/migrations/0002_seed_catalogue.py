"""The procedure catalogue as the law sets it: Decree 63/2024 (birth and death groups), its amendment by
Decree 301/2026 from 1 September 2026 (child identity card, survivor benefit, limits by regime), and the
Law on Civil Status 03/2026/QH16 from 1 March 2027 (the death document becomes "Giấy chứng tử").
Administrators edit it afterwards; a later decree is a new version, not a code change."""

from datetime import date

from django.db import migrations

BIRTH_FIELDS = [
    "registration_ward", "requester.relationship",
    "child.full_name", "child.sex", "child.date_of_birth", "child.ethnicity", "child.nationality",
    "birth.place_of_birth_facility", "birth.place_of_birth_ward", "birth.hometown",
    "birth.medical_birth_certificate_number",
    "mother.full_name", "mother.date_of_birth", "mother.id_number", "mother.ethnicity", "mother.residence_address",
]
RESIDENCE_FIELDS = [
    "residence.address", "residence.ward_code", "residence.household_head_full_name",
    "residence.household_head_id_number", "residence.relationship_to_head", "residence.owner_consent",
]
DEATH_FIELDS = [
    "registration_ward", "requester.relationship",
    "deceased.full_name", "deceased.date_of_birth", "deceased.sex", "deceased.id_number",
    "death.last_residence_address", "death.ward_code", "death.date_of_death", "death.place_of_death",
    "death.cause_of_death", "death.death_notice_number", "death.death_notice_issuer", "death.death_notice_date",
]
FUNERAL_FIELDS = [
    "funeral_allowance.regime", "funeral_allowance.beneficiary.full_name",
    "funeral_allowance.beneficiary.id_number", "funeral_allowance.beneficiary.relationship",
    "funeral_allowance.bank_account.bank_code", "funeral_allowance.bank_account.account_number",
    "funeral_allowance.bank_account.account_holder",
]
AFTER_SIGNING = ["personal_id", "signed_extract"]


def birth_procedures(*, with_id_card: bool) -> list[dict]:
    procedures = [
        dict(code="birth_registration", name="Đăng ký khai sinh", agency="civil_status", optional=False,
             time_limit_days=0, required_fields=BIRTH_FIELDS, required_attachments=["medical_birth_certificate"]),
        dict(code="personal_id", name="Cấp số định danh cá nhân", agency="police", optional=False,
             depends_on=["birth_registration"], time_limit_days=0),
        dict(code="permanent_residence", name="Đăng ký thường trú", agency="police", depends_on=AFTER_SIGNING,
             time_limit_days=2, required_fields=RESIDENCE_FIELDS),
        dict(code="health_insurance", name="Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
             agency="social_insurance", depends_on=AFTER_SIGNING, time_limit_days=2, max_child_age_years=6,
             required_fields=["health_insurance.primary_care_facility", "health_insurance.first_card"]),
    ]
    if with_id_card:
        procedures.append(
            dict(code="child_id_card", name="Cấp thẻ căn cước cho trẻ em dưới 6 tuổi", agency="police",
                 depends_on=AFTER_SIGNING, time_limit_days=2, max_child_age_years=6,
                 required_fields=["child_id_card.delivery_method"])
        )
    return procedures


def death_procedures(*, by_regime: dict) -> list[dict]:
    return [
        dict(code="death_registration", name="Đăng ký khai tử", agency="civil_status", optional=False,
             time_limit_days=0, required_fields=DEATH_FIELDS, required_attachments=["death_notice"]),
        dict(code="residence_removal", name="Xoá đăng ký thường trú", agency="police",
             depends_on=["signed_extract"], time_limit_days=2),
        dict(code="funeral_allowance", name="Hưởng mai táng phí, hỗ trợ chi phí mai táng", agency="social_insurance",
             depends_on=["signed_extract"], time_limit_days=5, by_regime=by_regime, required_fields=FUNERAL_FIELDS),
    ]


# Decree 63/2024's death group already settles the survivor benefit for insured people (see 0008).
REGIME_2024 = {
    "social_insurance": {"agency": "social_insurance", "days": 5, "survivor_benefit": True},
    "social_protection": {"agency": "labour", "days": 5},
    "meritorious": {"agency": "labour", "days": 5},
}
REGIME_2026 = {
    "social_insurance": {"agency": "social_insurance", "days": 5, "survivor_benefit": True},
    "social_protection": {"agency": "labour", "days": 6},
    "meritorious": {"agency": "labour", "days": 18},
}

DEATH_TITLE_2024 = (
    "Liên thông đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất (trợ cấp tuất và trợ cấp "
    "mai táng)/hỗ trợ chi phí mai táng/hưởng mai táng phí"
)


def groups_2026(*, death_extract_title: str) -> dict:
    """The group rules of Decree 301/2026; the 2026 Civil Status Law renames only the death document."""
    return {
        "birth": dict(national_code="3.000722",
                      title="Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế, "
                            "cấp thẻ căn cước cho trẻ em dưới 6 tuổi",
                      time_limit_days=3, verification_time_limit_days=5, legal_window_days=60,
                      extract_title="Trích lục khai sinh"),
        "death": dict(national_code="2.002913",
                      title="Liên thông đăng ký khai tử, xoá đăng ký thường trú, hưởng chế độ tử tuất, "
                            "hỗ trợ chi phí mai táng, hưởng mai táng phí",
                      time_limit_days=5, legal_window_days=15, extract_title=death_extract_title),
    }


VERSIONS = [
    {
        "code": "ND63-2024",
        "legal_basis": "Nghị định 63/2024/NĐ-CP",
        "effective_from": date(2024, 7, 1),
        "effective_to": date(2026, 9, 1),
        "groups": {
            "birth": dict(title="Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
                          time_limit_days=3, verification_time_limit_days=5, legal_window_days=60,
                          allowed_sets=[["health_insurance", "permanent_residence"], ["permanent_residence"],
                                        ["health_insurance"]],
                          extract_title="Trích lục khai sinh"),
            "death": dict(title=DEATH_TITLE_2024,
                          time_limit_days=5, legal_window_days=15, extract_title="Trích lục khai tử"),
        },
        "birth": birth_procedures(with_id_card=False),
        "death": death_procedures(by_regime=REGIME_2024),
    },
    {
        "code": "ND301-2026",
        "legal_basis": "Nghị định 301/2026/NĐ-CP sửa đổi, bổ sung Nghị định 63/2024/NĐ-CP",
        "effective_from": date(2026, 9, 1),
        "effective_to": date(2027, 3, 1),
        "groups": groups_2026(death_extract_title="Trích lục khai tử"),
        "birth": birth_procedures(with_id_card=True),
        "death": death_procedures(by_regime=REGIME_2026),
    },
    {
        "code": "LHT-2027",
        "legal_basis": "Luật Hộ tịch số 03/2026/QH16",
        "effective_from": date(2027, 3, 1),
        "effective_to": None,
        "groups": groups_2026(death_extract_title="Giấy chứng tử"),
        "birth": birth_procedures(with_id_card=True),
        "death": death_procedures(by_regime=REGIME_2026),
    },
]


def seed(apps, schema_editor):
    CatalogueVersion = apps.get_model("registrations", "CatalogueVersion")
    GroupRule = apps.get_model("registrations", "GroupRule")
    Procedure = apps.get_model("registrations", "Procedure")
    for spec in VERSIONS:
        version = CatalogueVersion.objects.create(
            code=spec["code"], legal_basis=spec["legal_basis"], effective_from=spec["effective_from"],
            effective_to=spec["effective_to"],
        )
        for group, rule in spec["groups"].items():
            GroupRule.objects.create(version=version, group=group, **rule)
        for group in ("birth", "death"):
            for position, procedure in enumerate(spec[group]):
                Procedure.objects.create(version=version, group=group, position=position, **procedure)


def unseed(apps, schema_editor):
    apps.get_model("registrations", "CatalogueVersion").objects.filter(code__in=[v["code"] for v in VERSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("registrations", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
