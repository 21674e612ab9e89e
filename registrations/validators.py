"""Field-level validation of declared values, in Vietnamese. Used by the API serializers; drafts
accept missing values but never invalid ones."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import serializers

from portal.common.identifiers import personal_id_errors
from portal.common.text import name_errors, normalize_name

_PHONE = re.compile(r"^(?:\+84|0)[0-9]{9,10}$")
_CERTIFICATE = re.compile(r"^[A-Za-z0-9./-]{1,30}$")
_BANK_CODE = re.compile(r"^[A-Z0-9]{2,20}$")
_ACCOUNT = re.compile(r"^[0-9]{6,20}$")


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in "\t" for ch in value)


class CleanCharField(serializers.CharField):
    """Text in NFC, trimmed, never containing control or invisible formatting characters."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if has_control_characters(value):
            raise serializers.ValidationError(gettext("Không được chứa ký tự điều khiển hoặc ký tự ẩn."))
        return unicodedata.normalize("NFC", value)


class NameField(CleanCharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = normalize_name(super().to_internal_value(data))
        if value:
            errors = name_errors(value)
            if errors:
                raise serializers.ValidationError(errors)
        return value


class PersonalIdField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("min_length", 12)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        errors = personal_id_errors(value)
        if errors:
            raise serializers.ValidationError(errors)
        return value


class PastDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if day > timezone.localdate():
            raise serializers.ValidationError(gettext("Ngày không được ở tương lai."))
        if day < date(1900, 1, 1):
            raise serializers.ValidationError(gettext("Ngày không hợp lệ (trước năm 1900)."))
        return day


def validate_phone(value: str) -> str:
    compact = value.replace(" ", "").replace(".", "")
    if compact and not _PHONE.match(compact):
        raise serializers.ValidationError(gettext("Số điện thoại không hợp lệ (ví dụ 0912345678)."))
    return compact


def validate_certificate_number(value: str) -> str:
    if value and not _CERTIFICATE.match(value):
        raise serializers.ValidationError(
            gettext("Số giấy chỉ gồm chữ, số và các dấu . / -, tối đa 30 ký tự.")
        )
    return value


def validate_bank_code(value: str) -> str:
    if value and not _BANK_CODE.match(value):
        raise serializers.ValidationError(gettext("Mã ngân hàng gồm chữ in hoa và số (ví dụ VCB, BIDV)."))
    return value


def validate_account_number(value: str) -> str:
    if value and not _ACCOUNT.match(value):
        raise serializers.ValidationError(gettext("Số tài khoản gồm 6 đến 20 chữ số."))
    return value


def check_person_identity(attrs: dict) -> dict:
    """An ID number that contradicts the declared birth date or sex is refused at once."""
    number, born, sex = attrs.get("id_number"), attrs.get("date_of_birth"), attrs.get("sex")
    if number and (born or sex):
        errors = [e for e in personal_id_errors(number, date_of_birth=born, sex=sex) if "12 chữ số" not in e]
        if errors:
            raise serializers.ValidationError({"id_number": errors})
    return attrs
