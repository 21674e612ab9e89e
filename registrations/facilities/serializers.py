"""What a medical facility sends: a medical birth certificate (giấy chứng sinh) or a death notice
(giấy báo tử). Every field is checked with the same rules as a family's declaration; unknown keys are
refused so that a typo never loses data."""

from __future__ import annotations

from rest_framework import serializers

from .. import validators as v
from ..constants import Sex
from ..serializers import StrictSerializer

NUMBER = {"regex": r"^[A-Za-z0-9][A-Za-z0-9./-]{0,39}$"}
NUMBER_ERROR = {"invalid": "Số giấy gồm 1–40 chữ, số và các dấu . / - ."}


class CertificateMotherSerializer(StrictSerializer):
    full_name = v.NameField()
    date_of_birth = v.PastDateField()
    id_number = v.PersonalIdField(required=False, allow_null=True, allow_blank=True)

    def validate(self, attrs):
        v.check_person_identity({**attrs, "sex": Sex.FEMALE})
        return attrs


class CertificateChildSerializer(StrictSerializer):
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = v.PastDateField()
    time_of_birth = serializers.TimeField(required=False, allow_null=True)


class BirthCertificateSerializer(StrictSerializer):
    certificate_number = serializers.RegexField(**NUMBER, error_messages=NUMBER_ERROR)
    facility = serializers.CharField(max_length=20)
    mother = CertificateMotherSerializer()
    child = CertificateChildSerializer()
    weight_grams = serializers.IntegerField(min_value=300, max_value=7000)
    children_born = serializers.IntegerField(min_value=1, max_value=9, help_text="Số con trong lần sinh này.")


class CertificateDeceasedSerializer(StrictSerializer):
    full_name = v.NameField()
    date_of_birth = v.PastDateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_null=True)
    id_number = v.PersonalIdField(required=False, allow_null=True, allow_blank=True)

    def validate(self, attrs):
        return v.check_person_identity(attrs)


class DeathNoticeSerializer(StrictSerializer):
    notice_number = serializers.RegexField(**NUMBER, error_messages=NUMBER_ERROR)
    facility = serializers.CharField(max_length=20)
    deceased = CertificateDeceasedSerializer()
    date_of_death = v.PastDateField()
    time_of_death = serializers.TimeField(required=False, allow_null=True)
    place_of_death = v.CleanCharField(max_length=200)
    cause_of_death = v.CleanCharField(max_length=500)

    def validate(self, attrs):
        born = attrs["deceased"].get("date_of_birth")
        if born and attrs["date_of_death"] < born:
            raise serializers.ValidationError({"date_of_death": ["Ngày mất trước ngày sinh."]})
        return attrs


class CertificateOutSerializer(serializers.Serializer):
    """What the facility gets back: the record's number, version and when it arrived; no personal data
    is echoed."""

    number = serializers.CharField()
    kind = serializers.CharField()
    version = serializers.IntegerField()
    current = serializers.BooleanField()
    facility = serializers.CharField(source="facility.code")
    received_at = serializers.DateTimeField()
