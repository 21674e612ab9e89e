"""Steps: each procedure of a bundle, its business state and its delivery state in one row (the outbox)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.accounts.jurisdiction import JurisdictionPaths, JurisdictionQuerySet

from ..constants import STEP_OUTSTANDING_STATES, Agency, StepState
from .bundles import Bundle
from .catalogue import PROCEDURE_LABELS, AgencyName


class StepQuerySet(JurisdictionQuerySet):
    pass


class Step(ConcurrentTransitionMixin, models.Model):
    """One procedure of a bundle: its business state and its delivery state in one row, written in the
    same transaction as the bundle transition that creates or releases it."""

    bundle = models.ForeignKey(  # found through one_step_per_procedure, which starts with it
        Bundle, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    procedure = models.CharField(_("thủ tục"), max_length=40)
    agency = models.CharField(_("cơ quan"), max_length=20, choices=Agency.choices)
    depends_on = models.JSONField(_("phụ thuộc"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    state = FSMField(_("trạng thái"), default=StepState.WAITING, choices=StepState.choices, protected=True)
    idempotency_key = models.UUIDField(_("khoá chống trùng"), default=uuid.uuid4, unique=True, editable=False)
    time_limit_days = models.PositiveSmallIntegerField(_("thời hạn (ngày làm việc)"), default=0)
    due_since = models.DateTimeField(_("đến lượt xử lý từ"), null=True, blank=True)
    deadline = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp theo"), null=True, blank=True)
    lease_until = models.DateTimeField(_("giữ đến"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    reference = models.CharField(_("mã tiếp nhận của cơ quan"), max_length=100, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    done_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StepQuerySet.as_manager()
    jurisdiction = JurisdictionPaths(ward="bundle__ward", owner="bundle__owner")

    class Meta:
        verbose_name = _("bước liên thông")
        verbose_name_plural = _("bước liên thông")
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

    def get_agency_name(self) -> str:
        """The body handling this step as it was called when the bundle was filed (and, for the
        welfare role, the body of the bundle's regime)."""
        bundle = self.bundle
        filed = bundle.submitted_at or bundle.created_at
        death = getattr(bundle, "death", None) if bundle.group == "death" else None
        return AgencyName.objects.name_for(
            agency=self.agency,
            day=timezone.localdate(filed) if filed else timezone.localdate(),
            regime=getattr(death, "regime", "") or "",
        )
