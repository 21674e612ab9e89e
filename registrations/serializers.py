"""The bundle API's shapes. Input serializers only check values (drafts may be incomplete); the
completeness and cross-field rules of a submission live in ``rules.py``."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy
from rest_framework import serializers

from portal.common.problems import flatten_errors
from portal.common.text import ascii_digits
from portal.divisions.selectors import ward_exists

from . import validators as v
from .constants import (
    ETHNICITY_CHOICES,
    AttachmentKind,
    DeliveryMethod,
    Group,
    PreferredForm,
    Regime,
    Relationship,
    Sex,
)


class StrictSerializer(serializers.Serializer):
    """Unknown or read-only keys are an error, not silently ignored: a typo must not lose data."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                refused = gettext("Trường này không được phép.")
                raise serializers.ValidationError({key: [refused] for key in unknown})
        return super().to_internal_value(data)


class WardCodeField(serializers.IntegerField):
    """A ward's code: ASCII digits within a database integer (a larger one names no ward)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and not ascii_digits(data.strip()):
            raise serializers.ValidationError(gettext("Mã xã, phường gồm các chữ số 0–9."))
        code = super().to_internal_value(data)
        if not ward_exists(code):
            raise serializers.ValidationError(gettext("Mã xã, phường không tồn tại."))
        return code


def optional(field_class, **kwargs):
    kwargs.setdefault("required", False)
    if field_class in (serializers.CharField, v.CleanCharField, v.NameField):
        kwargs.setdefault("allow_blank", True)
    kwargs.setdefault("allow_null", True)
    return field_class(**kwargs)


class PersonSerializer(StrictSerializer):
    full_name = optional(v.NameField)
    date_of_birth = optional(v.PastDateField)
    sex = optional(serializers.ChoiceField, choices=Sex.choices)
    ethnicity = optional(serializers.ChoiceField, choices=ETHNICITY_CHOICES)
    nationality = optional(
        serializers.RegexField,
        regex=r"^[A-Z]{2}$",
        error_messages={"invalid": gettext_lazy("Mã quốc tịch gồm 2 chữ in hoa (ISO 3166, ví dụ VN).")},
    )
    id_number = optional(v.PersonalIdField)
    residence_address = optional(v.CleanCharField, max_length=300)
    ward_code = optional(WardCodeField)

    def validate(self, attrs):
        return v.check_person_identity(attrs)


class ChildSerializer(PersonSerializer):
    """The child has no personal ID number yet: the police assign it."""

    id_number = None
    residence_address = None
    ward_code = None


class RelatedPersonSerializer(PersonSerializer):
    relationship = optional(serializers.ChoiceField, choices=Relationship.choices)


class RequesterSerializer(StrictSerializer):
    relationship = optional(serializers.ChoiceField, choices=Relationship.choices)
    phone = optional(v.CleanCharField, max_length=20)
    email = optional(serializers.EmailField, max_length=254)

    def validate_phone(self, value):
        return v.validate_phone(value) if value else value


class BirthFactsSerializer(StrictSerializer):
    time_of_birth = optional(serializers.TimeField)
    place_of_birth_facility = optional(v.CleanCharField, max_length=200)
    place_of_birth_ward = optional(WardCodeField)
    hometown = optional(v.CleanCharField, max_length=200)
    medical_birth_certificate_number = optional(
        v.CleanCharField, max_length=30, validators=[v.validate_certificate_number]
    )


class ResidenceSerializer(StrictSerializer):
    address = optional(v.CleanCharField, max_length=300)
    ward_code = optional(WardCodeField)
    household_head_full_name = optional(v.NameField)
    household_head_id_number = optional(v.PersonalIdField)
    relationship_to_head = optional(v.CleanCharField, max_length=50)
    owner_consent = optional(serializers.BooleanField)
    collective_household = optional(serializers.BooleanField)


class HealthInsuranceSerializer(StrictSerializer):
    primary_care_facility = optional(v.CleanCharField, max_length=200)
    first_card = optional(serializers.BooleanField)


class ChildIdCardSerializer(StrictSerializer):
    delivery_method = optional(serializers.ChoiceField, choices=DeliveryMethod.choices)
    delivery_address = optional(v.CleanCharField, max_length=300)


class DeathFactsSerializer(StrictSerializer):
    last_residence_address = optional(v.CleanCharField, max_length=300)
    ward_code = optional(WardCodeField)
    date_of_death = optional(v.PastDateField)
    time_of_death = optional(serializers.TimeField)
    place_of_death = optional(v.CleanCharField, max_length=300)
    place_of_death_ward = optional(WardCodeField)
    cause_of_death = optional(v.CleanCharField, max_length=300)
    death_notice_number = optional(
        v.CleanCharField, max_length=30, validators=[v.validate_certificate_number]
    )
    death_notice_issuer = optional(v.CleanCharField, max_length=200)
    death_notice_date = optional(v.PastDateField)


class BankAccountSerializer(StrictSerializer):
    bank_code = optional(v.CleanCharField, max_length=20, validators=[v.validate_bank_code])
    account_number = optional(v.CleanCharField, max_length=20, validators=[v.validate_account_number])
    account_holder = optional(v.NameField)


class SurvivorBenefitSerializer(StrictSerializer):
    requested = optional(serializers.BooleanField)
    survivors = RelatedPersonSerializer(many=True, required=False, max_length=20)
    preferred_form = optional(serializers.ChoiceField, choices=PreferredForm.choices)


class FuneralAllowanceSerializer(StrictSerializer):
    regime = optional(serializers.ChoiceField, choices=Regime.choices)
    beneficiary = RelatedPersonSerializer(required=False, allow_null=True)
    bank_account = BankAccountSerializer(required=False)
    survivor_benefit = SurvivorBenefitSerializer(required=False)


class DeclarationSerializer(StrictSerializer):
    """What a draft may carry. ``group`` is fixed at creation; every other key may be sent again."""

    group = serializers.ChoiceField(choices=Group.choices, required=False)
    procedures = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=10
    )
    registration_ward = optional(WardCodeField)
    requester = RequesterSerializer(required=False)
    child = ChildSerializer(required=False, allow_null=True)
    mother = PersonSerializer(required=False, allow_null=True)
    father = PersonSerializer(required=False, allow_null=True)
    birth = BirthFactsSerializer(required=False)
    residence = ResidenceSerializer(required=False)
    health_insurance = HealthInsuranceSerializer(required=False)
    child_id_card = ChildIdCardSerializer(required=False)
    deceased = PersonSerializer(required=False, allow_null=True)
    death = DeathFactsSerializer(required=False)
    funeral_allowance = FuneralAllowanceSerializer(required=False)

    BIRTH_ONLY = ("child", "mother", "father", "birth", "residence", "health_insurance", "child_id_card")
    DEATH_ONLY = ("deceased", "death", "funeral_allowance")

    def validate(self, attrs):
        group = attrs.get("group") or self.context.get("group")
        if group is None:
            missing = gettext("Vui lòng chọn nhóm thủ tục (birth hoặc death).")
            raise serializers.ValidationError({"group": [missing]})
        wrong = self.DEATH_ONLY if group == Group.BIRTH else self.BIRTH_ONLY
        errors = {key: [gettext("Không thuộc nhóm thủ tục của hồ sơ này.")] for key in wrong if key in attrs}
        if self.context.get("group") and attrs.get("group") not in (None, self.context["group"]):
            errors["group"] = [gettext("Không đổi được nhóm thủ tục của hồ sơ đã tạo.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class DraftStartSerializer(DeclarationSerializer):
    """A new draft: its declaration so far, and the privacy notice the citizen has read."""

    privacy_notice_accepted = serializers.BooleanField(
        help_text="Người nộp đã đọc và đồng ý với thông báo xử lý dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP)."
    )


class ReasonSerializer(StrictSerializer):
    reason = v.CleanCharField(max_length=2000)


class SupplementItemSerializer(StrictSerializer):
    field = v.CleanCharField(max_length=100, required=False)
    attachment = serializers.ChoiceField(choices=AttachmentKind.choices, required=False)
    reason = v.CleanCharField(max_length=500)

    def validate(self, attrs):
        if bool(attrs.get("field")) == bool(attrs.get("attachment")):
            raise serializers.ValidationError(
                gettext("Mỗi mục nêu đúng một trường (field) hoặc một loại giấy tờ (attachment).")
            )
        return attrs


class SupplementRequestSerializer(StrictSerializer):
    items = SupplementItemSerializer(many=True, allow_empty=False, max_length=50)


class CorrectionRequestSerializer(StrictSerializer):
    changes = serializers.DictField(allow_empty=False)
    reason = v.CleanCharField(max_length=2000)


class CorrectionDecisionSerializer(StrictSerializer):
    approve = serializers.BooleanField()
    note = v.CleanCharField(max_length=2000, required=False, allow_blank=True)


class AttachmentUploadSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    file = serializers.FileField(allow_empty_file=False)


def _drop(data: dict, path: str) -> None:
    parts = path.split(".")
    current = data
    for part in parts[:-1]:
        if isinstance(current, list) and ascii_digits(part) and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, dict) and isinstance(current.get(part), dict | list):
            current = current[part]
        else:
            return
    if isinstance(current, dict):
        current.pop(parts[-1], None)
    elif isinstance(current, list) and ascii_digits(parts[-1]) and int(parts[-1]) < len(current):
        current.pop(int(parts[-1]))


def validate_keeping_valid(data: dict, *, group: str) -> tuple[dict, dict[str, list[str]]]:
    """Validated values of everything that passed, and the messages of what did not, by path. A value
    that fails is left out (its stored value stays) rather than refusing the whole page."""
    errors: dict[str, list[str]] = {}
    for _attempt in range(4):
        serializer = DeclarationSerializer(data=data, context={"group": group})
        if serializer.is_valid():
            validated = {k: v for k, v in serializer.validated_data.items() if k != "group"}
            return validated, errors
        found = flatten_errors(serializer.errors)
        for path, messages in found.items():
            errors.setdefault(path, []).extend(m for m in messages if m not in errors.get(path, []))
            _drop(data, path)
    return {}, errors
