"""Reads of bundles, steps and the catalogue. Every read that reaches a person goes through
``for_user`` first; other apps (signing, interconnect) read bundles only from here."""

from __future__ import annotations

import difflib
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditEvent
from portal.audit.streams import bundle_stream
from portal.common.crypto import lookup_hmac
from portal.common.text import ascii_digits, fold_accents

from .catalogues import (  # noqa: F401 - the catalogue's reads, read through this door too
    Catalogue,
    catalogue_cache_clear,
    catalogue_for,
    catalogue_on,
    catalogue_version_on,
    time_limits_on,
)
from .constants import LIVE_STATES, Group, PersonRole, StepState
from .models import Attachment, BirthDetails, Bundle, Person, Step


@dataclass(frozen=True)
class BundleKey:
    """A bundle named by its code or internal id, not yet read: services read it under their lock,
    within what the actor may see, in the same query."""

    key: str

    def lookup(self) -> dict:
        try:
            return {"public_id": uuid.UUID(str(self.key))}
        except ValueError:
            return {"code": self.key}


def bundles_for(user) -> QuerySet[Bundle]:
    """Bundles the user may see. Staff never see drafts: a draft is the citizen's own notebook, except
    the one a clerk is filling in with the citizen at the counter."""
    queryset = Bundle.objects.for_user(user)
    if getattr(user, "role", None) != "citizen":
        queryset = queryset.exclude(state="draft")
        if getattr(user, "role", None) == "ward_clerk":
            queryset = queryset | Bundle.objects.filter(assisted_by=user, state="draft")
    return queryset


def bundle_detail_queryset(user) -> QuerySet[Bundle]:
    """Everything the detail page and the declaration need, in a fixed number of queries."""
    return (
        bundles_for(user)
        .select_related("birth", "death", "ward__province", "catalogue_version")
        .prefetch_related(
            Prefetch("people", queryset=Person.objects.order_by("role", "pk")),
            Prefetch("steps", queryset=Step.objects.order_by("position")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at")),
            "supplements",
            "corrections",
        )
    )


def with_declaration(queryset: QuerySet[Bundle]) -> QuerySet[Bundle]:
    """The bundles with what their declaration reads: the details row, the people, the attachments."""
    return queryset.select_related("birth", "death").prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("pk")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
    )


def bundle_version(*, user, key: str, now: datetime) -> str | None:
    """Changes whenever what the bundle's status page shows does (its state, any step, a deadline
    passing), in one query: the page's poll asks with it and is answered 304 while nothing moved.
    None when the user may not see the bundle."""
    row = (
        bundles_for(user)
        .filter(**BundleKey(key).lookup())
        .annotate(
            steps_changed=Max("steps__updated_at"),
            overdue=Count("steps", filter=Q(steps__deadline__lt=now) & ~Q(steps__state=StepState.DONE)),
        )
        .values_list("pk", "updated_at", "steps_changed", "overdue")
        .first()
    )
    return None if row is None else ":".join(str(value) for value in row)


def bundle_version_of(bundle: Bundle, steps: list[Step], *, now: datetime) -> str:
    """The same version as ``bundle_version``, from a bundle and steps already loaded (the full page
    renders with it, so its first poll is answered 304)."""
    overdue = sum(1 for s in steps if s.deadline and s.deadline < now and s.state != StepState.DONE)
    changed = max((s.updated_at for s in steps), default=None)
    return ":".join(str(value) for value in (bundle.pk, bundle.updated_at, changed, overdue))


def group_for_national_code(code: str) -> str | None:
    """The procedure group a national procedure code (MaTTHC) names, in any catalogue version: a
    dossier filed under an older code is still ours."""
    from .models import GroupRule

    if not code:
        return None
    return (
        GroupRule.objects.filter(national_code=code)
        .order_by("-version__effective_from")
        .values_list("group", flat=True)
        .first()
    )


def result_documents(bundle: Bundle) -> list[dict]:
    """The bundle's result documents as their holders describe them (signing: the signed extract),
    asked through the core's question so that no floor beside it imports another."""
    from .signals import result_documents as question

    documents = []
    for _receiver, answer in question.send(sender=Bundle, bundle=bundle):
        documents.extend(answer or [])
    return documents


def bundle_get(*, user, key: str, queryset: QuerySet[Bundle] | None = None) -> Bundle:
    """By bundle code or internal id, within the user's jurisdiction (404 otherwise)."""
    queryset = bundle_detail_queryset(user) if queryset is None else queryset
    return queryset.get(**BundleKey(key).lookup())


def birth_duplicate_of(
    *,
    bundle: Bundle,
    certificate_number: str,
    mother_id: str | None,
    child_name: str,
    child_born: date | None,
) -> Bundle | None:
    """Another live birth bundle with the same medical birth certificate, or the same mother and birth
    date and a similar child name.

    First the bundles that share the certificate number or the mother's ID hash (almost always
    none), then their children, and the name is judged here."""
    candidates = []
    if certificate_number:
        candidates.append(
            BirthDetails.objects.filter(medical_birth_certificate_number=certificate_number)
            .annotate(by_certificate=Value(True))
            .values_list("bundle_id", "by_certificate")
        )
    if mother_id and child_born:
        candidates.append(
            Person.objects.filter(role=PersonRole.MOTHER, id_number_hmac=lookup_hmac(mother_id))
            .annotate(by_certificate=Value(False))
            .values_list("bundle_id", "by_certificate")
        )
    if not candidates:
        return None
    query = candidates[0].union(*candidates[1:], all=True) if len(candidates) > 1 else candidates[0]
    same_certificate: dict[int, bool] = {}
    for bundle_id, by_certificate in query:
        if bundle_id != bundle.pk:
            same_certificate[bundle_id] = same_certificate.get(bundle_id, False) or bool(by_certificate)
    if not same_certificate:
        return None
    children = Person.objects.filter(
        role=PersonRole.CHILD,
        bundle_id__in=same_certificate,
        bundle__group=Group.BIRTH,
        bundle__state__in=[s for s in LIVE_STATES if s != "draft"],
    ).values_list("bundle_id", "full_name_folded", "date_of_birth")
    folded = fold_accents(child_name)
    for bundle_id, name, born in sorted(children, key=lambda r: (not same_certificate[r[0]], r[0])):
        if same_certificate[bundle_id] or (
            born == child_born and difflib.SequenceMatcher(None, folded, name).ratio() >= 0.85
        ):
            return Bundle.objects.get(pk=bundle_id)
    return None


def death_registered_for(*, bundle: Bundle, deceased_id: str) -> Bundle | None:
    others = (
        Bundle.objects.filter(group=Group.DEATH, state__in=LIVE_STATES)
        .exclude(pk=bundle.pk)
        .exclude(state="draft")
    )
    return others.filter(
        people__role=PersonRole.DECEASED, people__id_number_hmac=lookup_hmac(deceased_id)
    ).first()


def step_for_delivery(step_id: int) -> Step:
    """A step with its bundle and the bundle's declaration loaded, for an agency adapter."""
    return (
        Step.objects.select_related("bundle__birth", "bundle__death", "bundle__ward")
        .prefetch_related("bundle__people")
        .get(pk=step_id)
    )


def step_by_key(idempotency_key) -> Step | None:
    return Step.objects.select_related("bundle").filter(idempotency_key=idempotency_key).first()


def steps_accepted_before(moment) -> QuerySet[Step]:
    return Step.objects.filter(state="accepted", updated_at__lt=moment).select_related("bundle")


def step_counts() -> dict[tuple[str, str], int]:
    """Steps by (agency, state), for monitoring."""
    from django.db.models import Count

    return {
        (row["agency"], row["state"]): row["n"]
        for row in Step.objects.values("agency", "state").annotate(n=Count("pk"))
    }


def oldest_due_step_since(now):
    """When the longest-waiting due step became due (None when nothing is due): the relay's lag."""
    return (
        Step.objects.filter(state="pending", next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


# The person an extract is about.
SUBJECT_ROLES = (PersonRole.CHILD, PersonRole.DECEASED)


def bundles_awaiting_signature(user) -> QuerySet[Bundle]:
    """Registered bundles whose extract is complete: a death, a birth whose personal ID number has
    arrived, or one the clerk let go without it."""
    complete = (
        Q(group=Group.DEATH)
        | Q(extract_without_personal_id=True)
        | Q(steps__procedure="personal_id", steps__state="done")
    )
    return (
        bundles_for(user)
        .filter(state="registered")
        .filter(complete)
        .distinct()
        .select_related("ward")
        # Whose extract it is, so the leader signs knowing the name, not only the code.
        .prefetch_related(
            Prefetch("people", queryset=Person.objects.filter(role__in=SUBJECT_ROLES), to_attr="subjects")
        )
        .order_by("registered_at")
    )


def bundle_for_extract(pk: int) -> Bundle:
    """A bundle with what its extract prints."""
    # Every ward the extract names, with its province: where the parents live, where the child was
    # born, where the deceased last lived and died.
    people = Person.objects.select_related("residence_ward__province")
    return (
        Bundle.objects.select_related(
            "birth__place_of_birth_ward__province",
            "death__last_residence_ward__province",
            "death__place_of_death_ward__province",
            "ward__province",
        )
        .prefetch_related(Prefetch("people", queryset=people), "steps")
        .get(pk=pk)
    )


# --- the clerk's work queue -----------------------------------------------------------------------

QUEUE_FILTERS = {
    "all": _("Tất cả"),
    "submitted": _("Mới nộp"),
    "in_review": _("Đang xem xét"),
    "awaiting_citizen": _("Chờ công dân bổ sung"),
    "registered": _("Đã đăng ký, chờ ký"),
    "overdue": _("Quá hạn"),
    "attention": _("Cần xử lý"),
    "late": _("Đăng ký quá hạn luật định"),
    "duplicate": _("Có thể trùng"),
    "correction": _("Đề nghị cải chính"),
}
ACTIVE_STATES = ("submitted", "in_review", "awaiting_citizen", "registered", "signed")


def _queue_conditions(now) -> dict[str, Q]:
    from django.db.models import Exists, OuterRef

    from .models import Correction

    stuck = Step.objects.filter(bundle=OuterRef("pk")).filter(
        Q(state__in=["rejected", "dead"]) | Q(state__in=["pending", "sending", "accepted"], deadline__lt=now)
    )
    correction = Correction.objects.filter(bundle=OuterRef("pk"), state="requested")
    return {
        "all": Q(),
        "submitted": Q(state="submitted"),
        "in_review": Q(state="in_review"),
        "awaiting_citizen": Q(state="awaiting_citizen"),
        "registered": Q(state="registered"),
        "overdue": Q(state__in=ACTIVE_STATES, due_at__lt=now),
        "attention": Q(Exists(stuck)),
        "late": Q(late_registration=True),
        "duplicate": Q(possible_duplicate_of__isnull=False),
        "correction": Q(Exists(correction)),
    }


def work_queue(user, *, filter_name: str, group: str | None, now) -> tuple[QuerySet[Bundle], dict[str, int]]:
    """The clerk's queue: what needs doing in the ward, soonest deadline first, with a count for every
    filter (one aggregate query)."""
    from django.db.models import BooleanField, Count, ExpressionWrapper, F

    conditions = _queue_conditions(now)
    base = bundles_for(user).exclude(state__in=["draft"])
    if group in ("birth", "death"):
        base = base.filter(group=group)
    counts = base.aggregate(**{name: Count("pk", filter=condition) for name, condition in conditions.items()})
    queryset = (
        base.filter(conditions.get(filter_name, Q()))
        .select_related("ward")
        .annotate(
            overdue_flag=ExpressionWrapper(
                Q(state__in=ACTIVE_STATES, due_at__lt=now), output_field=BooleanField()
            )
        )
        .order_by(F("due_at").asc(nulls_last=True), "submitted_at")
    )
    return queryset, counts


def search(user, text: str) -> QuerySet[Bundle]:
    """By bundle code, by an exact personal ID number (through its keyed hash), or by a name typed
    with or without accents ("dang van on" finds "Đặng Văn Ổn")."""
    text = (text or "").strip()
    queryset = bundles_for(user).exclude(state="draft").select_related("ward")
    if not text:
        return queryset.none()
    if ascii_digits(text) and len(text) == 12:
        return queryset.filter(people__id_number_hmac=lookup_hmac(text)).distinct()
    if "-" in text and ascii_digits(text[:2]):
        return queryset.filter(code__startswith=text)
    return queryset.filter(people__full_name_folded__contains=fold_accents(text)).distinct()


def dead_step_ids() -> list[int]:
    """Steps whose every attempt is spent, for a replay after an agency's outage."""
    return list(Step.objects.filter(state=StepState.DEAD).values_list("pk", flat=True))


def replayable_step_ids(*, code: str) -> list[int] | None:
    """The rejected or dead steps of the bundle with this code (None when there is no such bundle)."""
    bundle = Bundle.objects.filter(code=code).first()
    if bundle is None:
        return None
    return list(
        bundle.steps.filter(state__in=[StepState.REJECTED, StepState.DEAD]).values_list("pk", flat=True)
    )


def step_of(*, bundle: Bundle, procedure: str) -> Step | None:
    return bundle.steps.filter(procedure=procedure).first()


def bundle_timeline(bundle: Bundle, *, actions=None) -> list[AuditEvent]:
    """The bundle's history, oldest first: every event of its audit stream, or those of ``actions``."""
    events = AuditEvent.objects.filter(stream=bundle_stream(bundle))
    if actions is not None:
        events = events.filter(action__in=list(actions))
    return list(events.order_by("seq"))
