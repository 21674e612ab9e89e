"""Submission: the draft checked against the catalogue in force, its code, its clock and its steps."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from portal.common.identifiers import bundle_code
from portal.divisions.selectors import province_of
from portal.workcalendar import services as calendar

from .. import rules, selectors, signals
from ..constants import LIVE_STATES, BundleState, Group
from ..declaration import declaration_of
from ..exceptions import ValidationFailed
from ..facilities.checks import KINDS, CertificateCheck, certificate_check
from ..models import Bundle, BundleCodeCounter, Step
from .changes import announce_on_commit, columns_of, locked, save_bundle, transition
from .guards import ensure_may, require_state


def _next_code(bundle: Bundle, now: datetime) -> str:
    """{province}.{ward}-{YYMMDD}-{NNNN}: unique, sortable within a ward, readable over the phone."""
    day = timezone.localtime(now).date()
    (number,) = BundleCodeCounter.objects.advance(
        counter="last_number", key={"ward": bundle.ward_id, "day": day}
    )
    return bundle_code(province=province_of(bundle.ward_id), ward=bundle.ward_id, day=day, number=number)


def catalogue_of(bundle: Bundle, day) -> selectors.Catalogue:
    """The bundle's own catalogue version once submitted; the one in force today for a draft."""
    if bundle.catalogue_version_id:
        return selectors.catalogue_for(version=bundle.catalogue_version, group=bundle.group)
    try:
        return selectors.catalogue_on(day=day, group=bundle.group)
    except LookupError as exc:
        raise ValidationFailed({"procedures": [str(exc)]}, "Chưa có danh mục thủ tục áp dụng.") from None


def check_declaration(bundle: Bundle, catalogue, *, today) -> tuple[dict, CertificateCheck]:
    """The declaration if it may be submitted (ValidationFailed otherwise), with how its certificate
    number compares with what the facility sent."""
    declaration = declaration_of(bundle)
    attachment_kinds = {a.kind for a in bundle.attachments.all()}
    # A certificate the facility sent electronically, matching the declared person, stands in for
    # the scan of it; a mismatch does not block, but then the scan is needed and the clerk is told.
    check = certificate_check(group=bundle.group, declaration=declaration)
    if check.verified:
        attachment_kinds.add(KINDS[check.kind].scan_kind)
    errors = rules.submission_errors(declaration, catalogue, today=today, attachment_kinds=attachment_kinds)
    if bundle.group == Group.DEATH and not errors:
        deceased_id = declaration["deceased"]["id_number"]
        if selectors.death_registered_for(bundle=bundle, deceased_id=deceased_id):
            errors["deceased.id_number"] = ["Người này đã có hồ sơ khai tử đang giải quyết hoặc đã đăng ký."]
    if errors:
        raise ValidationFailed(errors, "Hồ sơ chưa đủ hoặc chưa đúng để nộp.")
    return declaration, check


def flag_duplicates(bundle: Bundle, declaration: dict) -> None:
    if bundle.group != Group.BIRTH:
        return
    bundle.possible_duplicate_of = selectors.birth_duplicate_of(
        bundle=bundle,
        certificate_number=(declaration.get("birth") or {}).get("medical_birth_certificate_number") or "",
        mother_id=(declaration.get("mother") or {}).get("id_number"),
        child_name=(declaration.get("child") or {}).get("full_name") or "",
        child_born=(declaration.get("child") or {}).get("date_of_birth"),
    )


def start_clock(bundle: Bundle, catalogue, now: datetime) -> None:
    """The processing clock runs from the last complete (re)submission, after the 15:00 cut-off."""
    rule = catalogue.rule
    days = (
        rule.verification_time_limit_days
        if bundle.verification_needed and rule.verification_time_limit_days
        else rule.time_limit_days
    )
    regime = bundle.death.regime if bundle.group == Group.DEATH and hasattr(bundle, "death") else None
    step_days = [
        rules.step_plan(procedure=catalogue.procedures[c], regime=regime)[1] for c in bundle.procedures
    ]
    bundle.clock_started_at = now
    bundle.due_at = calendar.deadline_from(now, max([days, *step_days]))


def bundle_submission_errors(*, bundle: Bundle) -> dict[str, list[str]]:
    """What would stop this draft's submission now, by field path (empty: it may be submitted). The
    citizen's review page shows it before the button, with the same rules the submission applies."""
    today = timezone.localdate()
    try:
        check_declaration(bundle, catalogue_of(bundle, today), today=today)
    except ValidationFailed as exc:
        return exc.errors
    return {}


# A repeated submit is answered as it stands in these; awaiting the citizen's supplement it is refused,
# since what the citizen must do there is answer the supplement request (resubmit).
LIVE_AFTER_SUBMISSION = tuple(
    state for state in LIVE_STATES if state not in (BundleState.DRAFT, BundleState.AWAITING_CITIZEN)
)


@transaction.atomic
def bundle_submit(*, bundle: Bundle, actor) -> Bundle:
    """Idempotent: a bundle this actor already submitted (a double click, or a retry after an answer
    lost with its connection) is answered as it stands, with its code; nothing changes."""
    bundle = locked(bundle, actor=actor)
    loaded = columns_of(bundle)
    ensure_may("submit", actor=actor, bundle=bundle)
    if bundle.submitted_at is not None and bundle.state in LIVE_AFTER_SUBMISSION:
        return bundle
    require_state(bundle, "submit", (BundleState.DRAFT,))
    now = timezone.now()
    today = timezone.localdate(now)
    catalogue = catalogue_of(bundle, today)
    declaration, check = check_declaration(bundle, catalogue, today=today)
    transition(bundle, "submit", actor=actor)
    bundle.certificate_status = check.status
    bundle.catalogue_version = catalogue.version
    bundle.procedures = rules.full_procedure_list(bundle.procedures, catalogue)
    bundle.submitted_at = now
    bundle.late_registration = rules.is_late_registration(declaration, catalogue, today=today)
    flag_duplicates(bundle, declaration)
    start_clock(bundle, catalogue, now)
    # The ward's code counter is taken last: its row stays locked until commit, so every other
    # submission of the ward that day waits only for this transaction's final statements.
    bundle.code = _next_code(bundle, now)
    save_bundle(bundle, loaded)
    regime = bundle.death.regime if bundle.group == Group.DEATH else None
    present = set(bundle.procedures)
    steps = []
    for position, code in enumerate(bundle.procedures):
        agency, days = rules.step_plan(procedure=catalogue.procedures[code], regime=regime)
        steps.append(
            Step(
                bundle=bundle,
                procedure=code,
                agency=agency,
                position=position,
                time_limit_days=days,
                depends_on=rules.step_dependencies(code, catalogue, present),
            )
        )
    Step.objects.bulk_create(steps)
    announce_on_commit(signals.bundle_submitted, bundle=bundle)
    return bundle
