"""What a bundle declares: the people it names and the birth's or death's own facts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.common.crypto import lookup_hmac
from portal.common.fields import EncryptedTextField
from portal.common.identifiers import mask_personal_id
from portal.common.text import fold_accents

from ..constants import (
    ETHNICITY_CHOICES,
    DeliveryMethod,
    PersonRole,
    PreferredForm,
    Regime,
    Relationship,
    Sex,
)
from .bundles import Bundle


class Person(models.Model):
    """A person a bundle names: the requester, the child, the parents, the deceased, a beneficiary or
    a survivor. Names are NFC; the personal ID number is encrypted, looked up through its HMAC."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("vai trò"), max_length=12, choices=PersonRole.choices)
    full_name = models.CharField(_("họ, chữ đệm và tên"), max_length=100, blank=True)
    full_name_folded = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=2, choices=ETHNICITY_CHOICES, blank=True)
    nationality = models.CharField(_("quốc tịch"), max_length=2, default="VN", blank=True)
    id_number = EncryptedTextField("số định danh cá nhân", null=True, blank=True)
    # NULL, not '', for "no number": lookups by HMAC must never match two people without one.
    id_number_hmac = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    residence_address = models.CharField(_("nơi cư trú"), max_length=300, blank=True)
    residence_ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã, phường cư trú"),
    )
    relationship = models.CharField(_("quan hệ"), max_length=20, choices=Relationship.choices, blank=True)

    class Meta:
        verbose_name = _("người trong hồ sơ")
        verbose_name_plural = _("người trong hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "role"], condition=~Q(role=PersonRole.SURVIVOR), name="one_person_per_role"
            ),
        ]
        # Looked up by equality only: a plain index, without the pattern-matching twin PostgreSQL
        # gets for an indexed text field.
        indexes = [models.Index(fields=["id_number_hmac"], name="person_id_number_hmac")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.full_name}"

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    def prepare(self) -> None:
        """Derived columns; bulk_create skips save(), so callers of bulk_create call this."""
        self.full_name_folded = fold_accents(self.full_name)
        self.id_number_hmac = lookup_hmac(self.id_number) if self.id_number else None

    @property
    def masked_id_number(self) -> str:
        return mask_personal_id(self.id_number)


class BirthDetails(models.Model):
    bundle = models.OneToOneField(Bundle, on_delete=models.CASCADE, primary_key=True, related_name="birth")
    time_of_birth = models.TimeField(_("giờ sinh"), null=True, blank=True)
    place_of_birth_facility = models.CharField(_("nơi sinh (cơ sở y tế)"), max_length=200, blank=True)
    place_of_birth_ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã, phường nơi sinh"),
    )
    hometown = models.CharField(_("quê quán"), max_length=200, blank=True)
    medical_birth_certificate_number = models.CharField(_("số giấy chứng sinh"), max_length=30, blank=True)
    # permanent residence
    residence_address = models.CharField(_("địa chỉ đăng ký thường trú"), max_length=300, blank=True)
    residence_ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã, phường đăng ký thường trú"),
    )
    household_head_full_name = models.CharField(_("họ tên chủ hộ"), max_length=100, blank=True)
    household_head_id_number = EncryptedTextField("số định danh chủ hộ", null=True, blank=True)
    relationship_to_head = models.CharField(_("quan hệ với chủ hộ"), max_length=50, blank=True)
    owner_consent = models.BooleanField(_("chủ hộ, chủ sở hữu chỗ ở đồng ý"), null=True, blank=True)
    collective_household = models.BooleanField(_("đăng ký vào hộ tập thể"), null=True, blank=True)
    # health insurance
    primary_care_facility = models.CharField(
        _("nơi đăng ký khám chữa bệnh ban đầu"), max_length=200, blank=True
    )
    bhyt_first_card = models.BooleanField(_("cấp thẻ bảo hiểm y tế lần đầu"), null=True, blank=True)
    # child identity card
    id_card_delivery_method = models.CharField(
        _("cách nhận thẻ căn cước"), max_length=10, choices=DeliveryMethod.choices, blank=True
    )
    id_card_delivery_address = models.CharField(_("địa chỉ nhận thẻ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("thông tin khai sinh")
        verbose_name_plural = _("thông tin khai sinh")
        indexes = [models.Index(fields=["medical_birth_certificate_number"], name="birth_certificate_number")]

    def __str__(self) -> str:
        return f"Khai sinh {self.bundle_id}"


class DeathDetails(models.Model):
    bundle = models.OneToOneField(Bundle, on_delete=models.CASCADE, primary_key=True, related_name="death")
    last_residence_address = models.CharField(_("nơi cư trú cuối cùng"), max_length=300, blank=True)
    last_residence_ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã, phường cư trú cuối cùng"),
    )
    date_of_death = models.DateField(_("ngày chết"), null=True, blank=True)
    time_of_death = models.TimeField(_("giờ chết"), null=True, blank=True)
    place_of_death = models.CharField(_("nơi chết"), max_length=300, blank=True)
    # Law on Civil Status 2014, Art. 32: where the last residence is unknown, the death is registered
    # where the person died.
    place_of_death_ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã, phường nơi chết"),
    )
    cause_of_death = models.CharField(_("nguyên nhân chết"), max_length=300, blank=True)
    death_notice_number = models.CharField(_("số giấy báo tử"), max_length=30, blank=True)
    death_notice_issuer = models.CharField(_("nơi cấp giấy báo tử"), max_length=200, blank=True)
    death_notice_date = models.DateField(_("ngày cấp giấy báo tử"), null=True, blank=True)
    # funeral allowance
    regime = models.CharField(_("chế độ"), max_length=20, choices=Regime.choices, blank=True)
    bank_code = models.CharField(_("mã ngân hàng"), max_length=20, blank=True)
    bank_account_number = EncryptedTextField("số tài khoản", null=True, blank=True)
    bank_account_holder = models.CharField(_("chủ tài khoản"), max_length=100, blank=True)
    survivor_benefit_requested = models.BooleanField(_("đề nghị hưởng trợ cấp tuất"), default=False)
    survivor_benefit_form = models.CharField(
        _("hình thức hưởng tuất"), max_length=10, choices=PreferredForm.choices, blank=True
    )

    class Meta:
        verbose_name = _("thông tin khai tử")
        verbose_name_plural = _("thông tin khai tử")

    def __str__(self) -> str:
        return f"Khai tử {self.bundle_id}"
