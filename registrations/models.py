"""Bundles, their steps and everything a bundle carries. The state fields are protected: they change
only through the transitions of ``services.py``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.accounts.jurisdiction import JurisdictionPaths, JurisdictionQuerySet
from portal.common.counters import CounterManager
from portal.common.crypto import lookup_hmac
from portal.common.fields import EncryptedTextField
from portal.common.identifiers import mask_personal_id
from portal.common.text import fold_accents

from .constants import (
    ETHNICITY_CHOICES,
    IN_PROGRESS_STATES,
    LIVE_STATES,
    OPEN_STATES,
    STEP_OUTSTANDING_STATES,
    Agency,
    AttachmentKind,
    Book,
    BundleState,
    CertificateKind,
    CertificateStatus,
    CorrectionState,
    DeliveryMethod,
    Group,
    Origin,
    PersonRole,
    PreferredForm,
    Regime,
    Relationship,
    Sex,
    StepState,
)

# Names for messages and pages; the catalogue holds the authoritative name per version.
PROCEDURE_LABELS = {
    "birth_registration": "Đăng ký khai sinh",
    "personal_id": "Cấp số định danh cá nhân",
    "permanent_residence": "Đăng ký thường trú",
    "health_insurance": "Cấp thẻ bảo hiểm y tế",
    "child_id_card": "Cấp thẻ căn cước cho trẻ",
    "death_registration": "Đăng ký khai tử",
    "residence_removal": "Xoá đăng ký thường trú",
    "funeral_allowance": "Mai táng phí, trợ cấp tuất",
}

# --- the procedure catalogue (data; a decree is a data change) ----------------------------------


class CatalogueVersion(models.Model):
    """The procedures and rules in force from one date, as a legal act set them."""

    code = models.CharField("mã phiên bản", max_length=40, unique=True)
    legal_basis = models.CharField("căn cứ pháp lý", max_length=200)
    effective_from = models.DateField("hiệu lực từ")
    effective_to = models.DateField(
        "hết hiệu lực từ",
        null=True,
        blank=True,
        help_text="Ngày đầu tiên không còn áp dụng; để trống nếu đang áp dụng.",
    )

    class Meta:
        verbose_name = "phiên bản danh mục thủ tục"
        verbose_name_plural = "phiên bản danh mục thủ tục"
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.code} ({self.effective_from:%d/%m/%Y})"


class GroupRule(models.Model):
    """Rules of one procedure group within a catalogue version."""

    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="groups")
    group = models.CharField("nhóm", max_length=10, choices=Group.choices)
    national_code = models.CharField("mã thủ tục quốc gia", max_length=20, blank=True)
    title = models.CharField("tên nhóm thủ tục", max_length=300)
    time_limit_days = models.PositiveSmallIntegerField("thời hạn giải quyết (ngày làm việc)")
    verification_time_limit_days = models.PositiveSmallIntegerField(
        "thời hạn khi cần xác minh (ngày làm việc)", null=True, blank=True
    )
    legal_window_days = models.PositiveSmallIntegerField(
        "thời hạn đăng ký theo luật (ngày)",
        help_text="Khai sinh 60 ngày kể từ ngày sinh; khai tử 15 ngày kể từ ngày chết.",
    )
    allowed_sets = models.JSONField(
        "các tổ hợp thủ tục được chọn",
        default=list,
        blank=True,
        help_text="Danh sách các tổ hợp thủ tục tuỳ chọn được phép; để trống nghĩa là thủ tục đăng ký "
        "cùng ít nhất một thủ tục tuỳ chọn bất kỳ.",
    )
    supplement_days = models.PositiveSmallIntegerField("thời hạn bổ sung hồ sơ (ngày làm việc)", default=7)
    supplement_reminder_days = models.PositiveSmallIntegerField(
        "nhắc trước hạn bổ sung (ngày làm việc)", default=2
    )
    extract_title = models.CharField("tên giấy tờ kết quả", max_length=100)

    class Meta:
        verbose_name = "quy định nhóm thủ tục"
        verbose_name_plural = "quy định nhóm thủ tục"
        constraints = [models.UniqueConstraint(fields=["version", "group"], name="group_rule_per_version")]

    def __str__(self) -> str:
        return f"{self.version.code}: {self.get_group_display()}"


class Procedure(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="procedures")
    code = models.CharField("mã thủ tục", max_length=40)
    group = models.CharField("nhóm", max_length=10, choices=Group.choices)
    name = models.CharField("tên thủ tục", max_length=200)
    agency = models.CharField("cơ quan giải quyết", max_length=20, choices=Agency.choices)
    optional = models.BooleanField(
        "người dân chọn",
        default=True,
        help_text="Không chọn: luôn có trong hồ sơ (đăng ký, cấp số định danh).",
    )
    depends_on = models.JSONField(
        "phụ thuộc",
        default=list,
        blank=True,
        help_text="Mã các bước phải xong trước; 'signed_extract' là trích lục đã ký.",
    )
    time_limit_days = models.PositiveSmallIntegerField("thời hạn (ngày làm việc)", default=0)
    by_regime = models.JSONField(
        "theo chế độ",
        default=dict,
        blank=True,
        help_text='Cơ quan và thời hạn theo chế độ, ví dụ {"meritorious": {"agency": "labour", "days": 18}}.',
    )
    max_child_age_years = models.PositiveSmallIntegerField("chỉ cho trẻ dưới (tuổi)", null=True, blank=True)
    required_fields = models.JSONField("trường bắt buộc", default=list, blank=True)
    required_attachments = models.JSONField("giấy tờ bắt buộc", default=list, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "thủ tục"
        verbose_name_plural = "thủ tục"
        ordering = ["version", "group", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="procedure_code_per_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version.code})"


# --- bundles ------------------------------------------------------------------------------------


class BundleQuerySet(JurisdictionQuerySet):
    def live(self):
        return self.filter(state__in=LIVE_STATES)


class Bundle(ConcurrentTransitionMixin, models.Model):
    public_id = models.UUIDField("mã nội bộ", default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        "mã hồ sơ",
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text="Cấp khi nộp; bản nháp chưa có mã.",
    )
    group = models.CharField("nhóm thủ tục", max_length=10, choices=Group.choices)
    state = FSMField("trạng thái", default=BundleState.DRAFT, choices=BundleState.choices, protected=True)
    # Owner and ward are looked up through the composite indexes that start with them (Meta): a
    # single-column index of each would be two more entries written by every insert and transition.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bundles",
        verbose_name="chủ hồ sơ",
        db_index=False,
    )
    ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bundles",
        verbose_name="UBND xã nơi đăng ký",
        db_index=False,
    )
    procedures = models.JSONField("thủ tục đã chọn", default=list, blank=True)
    catalogue_version = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="phiên bản danh mục áp dụng",
    )
    requester_relationship = models.CharField(
        "quan hệ với người được đăng ký", max_length=20, choices=Relationship.choices, blank=True
    )
    requester_phone = models.CharField("điện thoại người yêu cầu", max_length=20, blank=True)
    requester_email = models.EmailField("email người yêu cầu", blank=True)

    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    submitted_at = models.DateTimeField("nộp lần đầu lúc", null=True, blank=True)
    clock_started_at = models.DateTimeField(
        "tính thời hạn từ", null=True, blank=True, help_text="Lần nộp (bổ sung) đầy đủ gần nhất."
    )
    due_at = models.DateTimeField("hạn giải quyết", null=True, blank=True, db_index=True)
    late_registration = models.BooleanField("đăng ký quá hạn luật định", default=False)
    verification_needed = models.BooleanField("cần xác minh", default=False)
    origin = models.CharField(
        "khởi tạo bởi", max_length=12, choices=Origin.choices, default=Origin.CITIZEN, editable=False
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cán bộ hỗ trợ nộp",
        help_text="Cán bộ một cửa đã khai hộ công dân tại quầy; không được tự tiếp nhận, đăng ký hồ sơ này.",
    )
    certificate_status = models.CharField(
        "giấy chứng sinh / báo tử điện tử",
        max_length=15,
        choices=CertificateStatus.choices,
        blank=True,
        default="",
        help_text="Số giấy đã khai so với giấy cơ sở y tế gửi, tại lần nộp gần nhất.",
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="có thể trùng với",
    )

    registration_number = models.PositiveIntegerField("số đăng ký", null=True, blank=True)
    registration_book = models.CharField("quyển số", max_length=20, blank=True)
    registered_at = models.DateTimeField("đăng ký lúc", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người đăng ký",
    )
    extract_without_personal_id = models.BooleanField(
        "cấp trích lục khi chưa có số định danh",
        default=False,
        help_text="Cán bộ ghi nhận khi bước cấp số định danh quá hạn; trích lục được cấp lại khi có số.",
    )
    signed_at = models.DateTimeField("ký lúc", null=True, blank=True)
    completed_at = models.DateTimeField("hoàn thành lúc", null=True, blank=True)
    closed_reason = models.TextField("lý do từ chối, rút hoặc đóng", blank=True)

    objects = BundleQuerySet.as_manager()
    jurisdiction = JurisdictionPaths(ward="ward", owner="owner")

    class Meta:
        verbose_name = "hồ sơ liên thông"
        verbose_name_plural = "hồ sơ liên thông"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["ward", "state", "due_at"]),
            models.Index(fields=["owner", "-created_at"]),
            # Work in progress is a small, steady share of all bundles (a few days' intake), while the
            # finished ones grow for ever: counts of backlog and overdue bundles read this partial
            # index alone, whatever the history (PostgreSQL; SQLite uses it as a plain index).
            models.Index(
                fields=["ward", "state", "due_at"],
                include=["id", "group"],
                condition=Q(state__in=IN_PROGRESS_STATES),
                name="bundle_in_progress_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "group", "registration_book", "registration_number"],
                condition=Q(registration_number__isnull=False),
                name="registration_number_unique_per_book",
            ),
            models.CheckConstraint(
                name="submitted_bundles_have_a_code",
                condition=Q(state=BundleState.DRAFT)
                | Q(state=BundleState.WITHDRAWN, submitted_at__isnull=True)
                | Q(code__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"Bản nháp {self.public_id}"

    # The transitions: django-fsm checks the source state; services.py does the rest.
    @transition(field=state, source=BundleState.DRAFT, target=BundleState.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=BundleState.SUBMITTED, target=BundleState.IN_REVIEW)
    def accept(self):
        pass

    @transition(
        field=state,
        source=[BundleState.SUBMITTED, BundleState.IN_REVIEW],
        target=BundleState.AWAITING_CITIZEN,
    )
    def request_supplement(self):
        pass

    @transition(field=state, source=BundleState.AWAITING_CITIZEN, target=BundleState.SUBMITTED)
    def resubmit(self):
        pass

    @transition(field=state, source=list(OPEN_STATES), target=BundleState.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=list(OPEN_STATES), target=BundleState.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=state, source=BundleState.IN_REVIEW, target=BundleState.REGISTERED)
    def register(self):
        pass

    @transition(field=state, source=BundleState.REGISTERED, target=BundleState.SIGNED)
    def sign(self):
        pass

    @transition(field=state, source=BundleState.SIGNED, target=BundleState.COMPLETED)
    def complete(self):
        pass

    @transition(field=state, source=BundleState.SIGNED, target=BundleState.PARTIALLY_COMPLETED)
    def close_partially(self):
        pass


class Person(models.Model):
    """A person a bundle names: the requester, the child, the parents, the deceased, a beneficiary or
    a survivor. Names are NFC; the personal ID number is encrypted, looked up through its HMAC."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="people")
    role = models.CharField("vai trò", max_length=12, choices=PersonRole.choices)
    full_name = models.CharField("họ, chữ đệm và tên", max_length=100, blank=True)
    full_name_folded = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    date_of_birth = models.DateField("ngày sinh", null=True, blank=True)
    sex = models.CharField("giới tính", max_length=6, choices=Sex.choices, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=2, choices=ETHNICITY_CHOICES, blank=True)
    nationality = models.CharField("quốc tịch", max_length=2, default="VN", blank=True)
    id_number = EncryptedTextField("số định danh cá nhân", null=True, blank=True)
    # NULL, not '', for "no number": lookups by HMAC must never match two people without one.
    id_number_hmac = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    residence_address = models.CharField("nơi cư trú", max_length=300, blank=True)
    residence_ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="xã, phường cư trú",
    )
    relationship = models.CharField("quan hệ", max_length=20, choices=Relationship.choices, blank=True)

    class Meta:
        verbose_name = "người trong hồ sơ"
        verbose_name_plural = "người trong hồ sơ"
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
    time_of_birth = models.TimeField("giờ sinh", null=True, blank=True)
    place_of_birth_facility = models.CharField("nơi sinh (cơ sở y tế)", max_length=200, blank=True)
    place_of_birth_ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="xã, phường nơi sinh",
    )
    hometown = models.CharField("quê quán", max_length=200, blank=True)
    medical_birth_certificate_number = models.CharField("số giấy chứng sinh", max_length=30, blank=True)
    # permanent residence
    residence_address = models.CharField("địa chỉ đăng ký thường trú", max_length=300, blank=True)
    residence_ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="xã, phường đăng ký thường trú",
    )
    household_head_full_name = models.CharField("họ tên chủ hộ", max_length=100, blank=True)
    household_head_id_number = EncryptedTextField("số định danh chủ hộ", null=True, blank=True)
    relationship_to_head = models.CharField("quan hệ với chủ hộ", max_length=50, blank=True)
    owner_consent = models.BooleanField("chủ hộ, chủ sở hữu chỗ ở đồng ý", null=True, blank=True)
    collective_household = models.BooleanField("đăng ký vào hộ tập thể", null=True, blank=True)
    # health insurance
    primary_care_facility = models.CharField("nơi đăng ký khám chữa bệnh ban đầu", max_length=200, blank=True)
    bhyt_first_card = models.BooleanField("cấp thẻ bảo hiểm y tế lần đầu", null=True, blank=True)
    # child identity card
    id_card_delivery_method = models.CharField(
        "cách nhận thẻ căn cước", max_length=10, choices=DeliveryMethod.choices, blank=True
    )
    id_card_delivery_address = models.CharField("địa chỉ nhận thẻ", max_length=300, blank=True)

    class Meta:
        verbose_name = "thông tin khai sinh"
        verbose_name_plural = "thông tin khai sinh"
        indexes = [models.Index(fields=["medical_birth_certificate_number"], name="birth_certificate_number")]

    def __str__(self) -> str:
        return f"Khai sinh {self.bundle_id}"


class DeathDetails(models.Model):
    bundle = models.OneToOneField(Bundle, on_delete=models.CASCADE, primary_key=True, related_name="death")
    last_residence_address = models.CharField("nơi cư trú cuối cùng", max_length=300, blank=True)
    last_residence_ward = models.ForeignKey(
        "divisions.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="xã, phường cư trú cuối cùng",
    )
    date_of_death = models.DateField("ngày chết", null=True, blank=True)
    time_of_death = models.TimeField("giờ chết", null=True, blank=True)
    place_of_death = models.CharField("nơi chết", max_length=300, blank=True)
    cause_of_death = models.CharField("nguyên nhân chết", max_length=300, blank=True)
    death_notice_number = models.CharField("số giấy báo tử", max_length=30, blank=True)
    death_notice_issuer = models.CharField("nơi cấp giấy báo tử", max_length=200, blank=True)
    death_notice_date = models.DateField("ngày cấp giấy báo tử", null=True, blank=True)
    # funeral allowance
    regime = models.CharField("chế độ", max_length=20, choices=Regime.choices, blank=True)
    bank_code = models.CharField("mã ngân hàng", max_length=20, blank=True)
    bank_account_number = EncryptedTextField("số tài khoản", null=True, blank=True)
    bank_account_holder = models.CharField("chủ tài khoản", max_length=100, blank=True)
    survivor_benefit_requested = models.BooleanField("đề nghị hưởng trợ cấp tuất", default=False)
    survivor_benefit_form = models.CharField(
        "hình thức hưởng tuất", max_length=10, choices=PreferredForm.choices, blank=True
    )

    class Meta:
        verbose_name = "thông tin khai tử"
        verbose_name_plural = "thông tin khai tử"

    def __str__(self) -> str:
        return f"Khai tử {self.bundle_id}"


# --- steps: the outbox --------------------------------------------------------------------------


class StepQuerySet(JurisdictionQuerySet):
    pass


class Step(ConcurrentTransitionMixin, models.Model):
    """One procedure of a bundle: its business state and its delivery state in one row, written in the
    same transaction as the bundle transition that creates or releases it."""

    bundle = models.ForeignKey(  # found through one_step_per_procedure, which starts with it
        Bundle, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    procedure = models.CharField("thủ tục", max_length=40)
    agency = models.CharField("cơ quan", max_length=20, choices=Agency.choices)
    depends_on = models.JSONField("phụ thuộc", default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    state = FSMField("trạng thái", default=StepState.WAITING, choices=StepState.choices, protected=True)
    idempotency_key = models.UUIDField("khoá chống trùng", default=uuid.uuid4, unique=True, editable=False)
    time_limit_days = models.PositiveSmallIntegerField("thời hạn (ngày làm việc)", default=0)
    due_since = models.DateTimeField("đến lượt xử lý từ", null=True, blank=True)
    deadline = models.DateTimeField("hạn xử lý", null=True, blank=True)
    next_attempt_at = models.DateTimeField("lần gửi tiếp theo", null=True, blank=True)
    lease_until = models.DateTimeField("giữ đến", null=True, blank=True)
    attempts = models.PositiveIntegerField("số lần gửi", default=0)
    reference = models.CharField("mã tiếp nhận của cơ quan", max_length=100, blank=True)
    result = models.JSONField("kết quả", default=dict, blank=True)
    reason = models.TextField("lý do", blank=True)
    done_at = models.DateTimeField("hoàn thành lúc", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StepQuerySet.as_manager()
    jurisdiction = JurisdictionPaths(ward="bundle__ward", owner="bundle__owner")

    class Meta:
        verbose_name = "bước liên thông"
        verbose_name_plural = "bước liên thông"
        ordering = ["bundle", "position"]
        constraints = [models.UniqueConstraint(fields=["bundle", "procedure"], name="one_step_per_procedure")]
        indexes = [
            # The relay's claim query: due pending steps, oldest first.
            models.Index(
                fields=["next_attempt_at"], condition=Q(state=StepState.PENDING), name="step_due_idx"
            ),
            models.Index(fields=["lease_until"], condition=Q(state=StepState.SENDING), name="step_lease_idx"),
            # Steps waiting for an agency's callback or for a person, per bundle.
            models.Index(
                fields=["bundle"],
                include=["agency", "procedure", "state"],
                condition=Q(state__in=STEP_OUTSTANDING_STATES),
                name="step_outstanding_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id}/{self.procedure} [{self.state}]"

    @transition(field=state, source=StepState.WAITING, target=StepState.PENDING)
    def release(self):
        pass

    @transition(field=state, source=[StepState.PENDING, StepState.SENDING], target=StepState.SENDING)
    def claim(self):
        pass

    @transition(field=state, source=StepState.SENDING, target=StepState.ACCEPTED)
    def mark_accepted(self):
        pass

    @transition(
        field=state,
        source=[StepState.WAITING, StepState.PENDING, StepState.SENDING, StepState.ACCEPTED],
        target=StepState.DONE,
    )
    def mark_done(self):
        pass

    @transition(field=state, source=StepState.SENDING, target=StepState.PENDING)
    def retry_later(self):
        pass

    @transition(
        field=state,
        source=[StepState.PENDING, StepState.SENDING, StepState.ACCEPTED],
        target=StepState.REJECTED,
    )
    def mark_rejected(self):
        pass

    @transition(field=state, source=StepState.SENDING, target=StepState.DEAD)
    def mark_dead(self):
        pass

    @transition(field=state, source=[StepState.REJECTED, StepState.DEAD], target=StepState.PENDING)
    def replay(self):
        pass

    @transition(field=state, source=StepState.ACCEPTED, target=StepState.PENDING)
    def resend(self):
        pass

    def get_procedure_label(self) -> str:
        return PROCEDURE_LABELS.get(self.procedure, self.procedure)


# --- what the clerk and citizen exchange ---------------------------------------------------------


class Attachment(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="attachments")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("loại giấy tờ", max_length=30, choices=AttachmentKind.choices)
    file = models.FileField("tệp", upload_to="attachments/%Y/%m/")
    content_type = models.CharField("kiểu tệp", max_length=40)
    size = models.PositiveIntegerField("dung lượng (byte)")
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField("tên tệp gốc", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The scan is deleted when its retention period ends; what it was (kind, size, hash) stays.
    purged_at = models.DateTimeField("đã xoá tệp lúc", null=True, blank=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction = JurisdictionPaths(ward="bundle__ward", owner="bundle__owner")

    class Meta:
        verbose_name = "giấy tờ đính kèm"
        verbose_name_plural = "giấy tờ đính kèm"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name})"


class SupplementRequest(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="supplements")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField("hạn bổ sung")
    remind_at = models.DateTimeField("nhắc lúc")
    items = models.JSONField(
        "nội dung cần bổ sung",
        default=list,
        help_text='[{"field": "child.full_name", "reason": "…"}, {"attachment": "…", …}]',
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "yêu cầu bổ sung"
        verbose_name_plural = "yêu cầu bổ sung"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle"],
                condition=Q(answered_at__isnull=True, expired_at__isnull=True),
                name="one_open_supplement_per_bundle",
            )
        ]

    def __str__(self) -> str:
        return f"Bổ sung {self.bundle_id} đến {self.due_at:%d/%m/%Y}"


class Correction(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="corrections")
    state = models.CharField(
        "trạng thái", max_length=10, choices=CorrectionState.choices, default=CorrectionState.REQUESTED
    )
    changes = models.JSONField("nội dung cải chính", default=dict)
    reason = models.TextField("lý do")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("ghi chú quyết định", blank=True)

    class Meta:
        verbose_name = "yêu cầu cải chính"
        verbose_name_plural = "yêu cầu cải chính"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle"],
                condition=Q(state=CorrectionState.REQUESTED),
                name="one_open_correction_per_bundle",
            )
        ]

    def __str__(self) -> str:
        return f"Cải chính {self.bundle_id} ({self.get_state_display()})"


# --- numbering ----------------------------------------------------------------------------------


class RegistrationCounter(models.Model):
    """The last civil-status number given in one ward's book of one year. Locked while a number is
    taken, inside the registering transaction: a rolled-back registration gives its number back."""

    ward = models.ForeignKey("divisions.Ward", on_delete=models.PROTECT, related_name="+")
    book = models.CharField(max_length=10, choices=Book.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    objects = CounterManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ward", "book", "year"], name="one_counter_per_book")]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.book} {self.year}: {self.last_number}"


class BundleCodeCounter(models.Model):
    ward = models.ForeignKey("divisions.Ward", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    objects = CounterManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ward", "day"], name="one_code_counter_per_ward_day")]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.day}: {self.last_number}"


# --- certificates from medical facilities -------------------------------------------------------


class MedicalFacility(models.Model):
    """A hospital or clinic that sends medical birth certificates and death notices electronically.
    Its requests are signed with its own HMAC secret; during a rotation the previous one still
    verifies until it is dropped."""

    code = models.CharField("mã cơ sở", max_length=20, unique=True, help_text="Mã cơ sở khám, chữa bệnh.")
    name = models.CharField("tên cơ sở", max_length=200)
    ward = models.ForeignKey("divisions.Ward", on_delete=models.PROTECT, related_name="medical_facilities")
    secret = EncryptedTextField("khoá ký")
    previous_secret = EncryptedTextField("khoá cũ còn hiệu lực khi đổi khoá", null=True, blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField("đăng ký lúc", auto_now_add=True)

    class Meta:
        verbose_name = "cơ sở khám, chữa bệnh"
        verbose_name_plural = "cơ sở khám, chữa bệnh"

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def active_secrets(self) -> list[str]:
        return [s for s in (self.secret, self.previous_secret) if s]


class MedicalCertificate(models.Model):
    """One version of a medical birth certificate (giấy chứng sinh) or death notice (giấy báo tử) as
    a facility sent it. A correction adds a version that supersedes the previous one, which is kept:
    nothing a facility sent is ever overwritten. Personal and health data are encrypted at rest."""

    kind = models.CharField("loại", max_length=10, choices=CertificateKind.choices)
    number = models.CharField("số giấy", max_length=40)
    version = models.PositiveSmallIntegerField("lần gửi", default=1)
    current = models.BooleanField("bản đang dùng", default=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    facility = models.ForeignKey(MedicalFacility, on_delete=models.PROTECT, related_name="certificates")
    # The mother (birth) or the deceased (death): what a family's declaration is checked against.
    subject_full_name = models.CharField("họ tên", max_length=100)
    subject_date_of_birth = models.DateField("ngày sinh", null=True, blank=True)
    subject_id_number = EncryptedTextField("số định danh", null=True, blank=True)
    subject_id_hmac = models.CharField(max_length=64, null=True, blank=True, db_index=True, editable=False)  # noqa: DJ001
    event_date = models.DateField("ngày sinh của trẻ / ngày mất")
    # The rest as the facility sent it (child's sex, weight, … or place and cause of death).
    details = EncryptedTextField("chi tiết (JSON)")
    body_sha256 = models.CharField("mã băm nội dung", max_length=64)
    received_at = models.DateTimeField("nhận lúc", auto_now_add=True)

    class Meta:
        verbose_name = "giấy chứng sinh / báo tử điện tử"
        verbose_name_plural = "giấy chứng sinh / báo tử điện tử"
        # The dashboard counts each facility's sending over a date range.
        indexes = [models.Index(fields=["facility", "received_at"], name="certificate_by_facility")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number", "version"], name="one_certificate_version"),
            models.UniqueConstraint(
                fields=["kind", "number"], condition=Q(current=True), name="one_current_certificate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} (lần {self.version})"

    def save(self, *args, **kwargs):
        self.subject_id_hmac = lookup_hmac(self.subject_id_number) if self.subject_id_number else None
        super().save(*args, **kwargs)


class CertificateUse(models.Model):
    """A medical birth certificate or death notice number backing a registration. Unique: one number
    backs at most one registration, whatever two clerks do at the same moment."""

    kind = models.CharField("loại", max_length=10, choices=CertificateKind.choices)
    number = models.CharField("số giấy", max_length=40)
    bundle = models.OneToOneField(Bundle, on_delete=models.PROTECT, related_name="certificate_use")
    used_at = models.DateTimeField("đăng ký lúc", auto_now_add=True)

    class Meta:
        verbose_name = "giấy đã dùng để đăng ký"
        verbose_name_plural = "giấy đã dùng để đăng ký"
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="one_registration_per_certificate")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} → {self.bundle_id}"
