"""The rules of DOMAIN.md §2 over a declaration and the catalogue in force. Pure functions: they
read the declaration dictionary and catalogue objects and return Vietnamese messages keyed by field
path; they never write."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext, gettext_lazy

from .constants import SIGNED_EXTRACT, AttachmentKind, Group, Regime, RegistrationPlace, Relationship
from .declaration import is_blank, value_at
from .selectors import Catalogue

Errors = dict[str, list[str]]

MIN_PARENT_AGE_YEARS = 12
MAX_MOTHER_AGE_YEARS = 65
REQUESTER_RELATIONSHIPS = {
    Group.BIRTH: {
        Relationship.MOTHER,
        Relationship.FATHER,
        Relationship.GUARDIAN,
        Relationship.GRANDPARENT,
        Relationship.SIBLING,
        Relationship.OTHER_RELATIVE,
        # Law on Civil Status 2014, Art. 15: also a person or organisation caring for the child.
        Relationship.CAREGIVER,
    },
    Group.DEATH: {
        Relationship.SPOUSE,
        Relationship.CHILD,
        Relationship.MOTHER,
        Relationship.FATHER,
        Relationship.SIBLING,
        Relationship.GRANDPARENT,
        Relationship.OTHER_RELATIVE,
    },
}


# Law on Civil Status 2014, Art. 16.1: without a medical birth certificate, a witness's statement of
# the birth stands in; without a witness, a written commitment about the birth.
STANDS_IN_FOR = {
    AttachmentKind.MEDICAL_BIRTH_CERTIFICATE: {
        AttachmentKind.WITNESS_STATEMENT,
        AttachmentKind.BIRTH_COMMITMENT,
    }
}
STAND_IN_NOTE = gettext_lazy(
    gettext(
        " Không có giấy chứng sinh: đính kèm văn bản của người làm chứng hoặc giấy cam đoan về việc sinh."
    )
)


def _lower(procedure) -> str:
    """A procedure's name inside a sentence."""
    return str(procedure.shown_name).lower()


def _add(errors: Errors, path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


# --- procedure sets -----------------------------------------------------------------------------


def procedure_choice_errors(chosen: list[str], catalogue: Catalogue) -> list[str]:
    """What is wrong with the procedures a citizen picked, whenever they pick them (starting a draft
    or changing it, on the pages or through the API): unknown codes, repeats, or nothing optional."""
    unknown = [code for code in chosen if code not in catalogue.procedures]
    if unknown:
        return [
            gettext("Thủ tục '%(code)s' không có trong danh mục đang áp dụng (%(version)s).")
            % {"code": code, "version": catalogue.version.code}
            for code in unknown
        ]
    if len(set(chosen)) != len(chosen):
        return [gettext("Mỗi thủ tục chỉ chọn một lần.")]
    if not any(catalogue.procedures[code].optional for code in chosen):
        names = ", ".join(str(catalogue.procedures[c].shown_name).lower() for c in catalogue.optional_codes())
        return [gettext("Chọn thêm ít nhất một thủ tục liên thông: %(names)s.") % {"names": names}]
    return []


def procedure_set_errors(chosen: list[str], catalogue: Catalogue) -> list[str]:
    """At submission: a valid choice, and one of the combinations the catalogue allows."""
    errors = procedure_choice_errors(chosen, catalogue)
    if errors:
        return errors
    optional = sorted(code for code in chosen if catalogue.procedures[code].optional)
    allowed = catalogue.rule.allowed_sets
    if allowed and optional not in [sorted(s) for s in allowed]:
        combos = "; ".join(" + ".join(str(catalogue.procedures[c].shown_name) for c in s) for s in allowed)
        return [
            gettext("Tổ hợp thủ tục này không được phép. Các tổ hợp được phép: %(combos)s.")
            % {"combos": combos}
        ]
    return []


def full_procedure_list(chosen: list[str], catalogue: Catalogue) -> list[str]:
    """The bundle's procedures: the mandatory ones (registration, personal ID) plus the chosen ones,
    in catalogue order."""
    wanted = set(chosen) | {code for code, p in catalogue.procedures.items() if not p.optional}
    return [code for code in catalogue.procedures if code in wanted]


def step_dependencies(code: str, catalogue: Catalogue, present: set[str]) -> list[str]:
    """A step's dependencies among the procedures actually in the bundle (plus the signed extract)."""
    return [d for d in catalogue.procedures[code].depends_on if d == SIGNED_EXTRACT or d in present]


def step_plan(*, procedure, regime: str | None) -> tuple[str, int]:
    """(agency, time limit in working days) of a procedure; the funeral allowance depends on the regime."""
    by_regime = (procedure.by_regime or {}).get(regime or "") or {}
    return by_regime.get("agency", procedure.agency), by_regime.get("days", procedure.time_limit_days)


# --- a whole submission -------------------------------------------------------------------------


def submission_errors(
    declaration: dict, catalogue: Catalogue, *, today: date, attachment_kinds: set[str]
) -> Errors:
    """Everything that stops a submission, by field path. Empty means the bundle may be submitted."""
    errors: Errors = {}
    chosen = declaration.get("procedures") or []
    for message in procedure_set_errors(chosen, catalogue):
        _add(errors, "procedures", message)
    if errors:
        return errors
    procedures = [catalogue.procedures[c] for c in full_procedure_list(chosen, catalogue)]
    for procedure in procedures:
        for path in procedure.required_fields:
            if is_blank(value_at(declaration, path)):
                _add(errors, path, gettext("Bắt buộc cho thủ tục %(name)s.") % {"name": _lower(procedure)})
        for kind in procedure.required_attachments:
            if kind not in attachment_kinds and not STANDS_IN_FOR.get(kind, set()) & attachment_kinds:
                _add(
                    errors,
                    f"attachments.{kind}",
                    gettext("Cần đính kèm bản chụp cho thủ tục %(name)s.") % {"name": _lower(procedure)}
                    + (str(STAND_IN_NOTE) if kind in STANDS_IN_FOR else ""),
                )
    relationship = value_at(declaration, "requester.relationship")
    if relationship and relationship not in REQUESTER_RELATIONSHIPS[declaration["group"]]:
        _add(
            errors, "requester.relationship", gettext("Quan hệ này không được yêu cầu thủ tục của nhóm này.")
        )
    if declaration["group"] == Group.BIRTH:
        _birth_rules(declaration, {p.code: p for p in procedures}, catalogue, today, errors)
    else:
        _death_rules(declaration, {p.code: p for p in procedures}, catalogue, today, errors)
    return errors


def _birth_rules(d: dict, procedures: dict, catalogue: Catalogue, today: date, errors: Errors) -> None:
    child_born = value_at(d, "child.date_of_birth")
    for role in ("child", "mother", "father"):
        nationality = value_at(d, f"{role}.nationality")
        if nationality and nationality != "VN":
            _add(
                errors,
                f"{role}.nationality",
                gettext(
                    "Khai sinh có yếu tố nước ngoài không thuộc phạm vi liên thông trực "
                    "tuyến; vui lòng nộp hồ sơ khai sinh riêng tại UBND."
                ),
            )
    if child_born:
        for role in ("mother", "father"):
            parent_born = value_at(d, f"{role}.date_of_birth")
            if parent_born and parent_born + relativedelta(years=MIN_PARENT_AGE_YEARS) > child_born:
                _add(
                    errors,
                    f"{role}.date_of_birth",
                    gettext("Ngày sinh không hợp lý: cha, mẹ phải hơn trẻ ít nhất %(years)d tuổi.")
                    % {"years": MIN_PARENT_AGE_YEARS},
                )
        mother_born = value_at(d, "mother.date_of_birth")
        if mother_born and mother_born + relativedelta(years=MAX_MOTHER_AGE_YEARS) < child_born:
            _add(
                errors,
                "mother.date_of_birth",
                gettext("Ngày sinh của mẹ không hợp lý so với ngày sinh của trẻ."),
            )
        for procedure in procedures.values():
            if (
                procedure.max_child_age_years
                and child_born + relativedelta(years=procedure.max_child_age_years) <= today
            ):
                _add(
                    errors,
                    "procedures",
                    gettext("%(name)s chỉ dành cho trẻ dưới %(years)d tuổi.")
                    % {"name": procedure.shown_name, "years": procedure.max_child_age_years},
                )
    # Civil Code 2015, Art. 29.2: a child's ethnicity is the father's or the mother's.
    parents = {value_at(d, f"{role}.ethnicity") for role in ("mother", "father")} - {None, ""}
    child_ethnicity = value_at(d, "child.ethnicity")
    if child_ethnicity and parents and child_ethnicity not in parents:
        _add(errors, "child.ethnicity", gettext("Dân tộc của trẻ là dân tộc của cha hoặc của mẹ."))
    if d.get("father") and is_blank(value_at(d, "father.full_name")):
        _add(errors, "father.full_name", gettext("Đã khai thông tin người cha thì cần ghi họ tên."))
    # Law on Civil Status 2014, Art. 13: at the residence of the father or the mother; Law 03/2026/QH16
    # (from 1 March 2027): regardless of residence. The catalogue version says which applies.
    ward = d.get("registration_ward")
    parent_wards = {value_at(d, "mother.ward_code"), value_at(d, "father.ward_code")} - {None}
    at_residence = catalogue.rule.registration_place == RegistrationPlace.RESIDENCE
    if at_residence and ward and parent_wards and ward not in parent_wards:
        _add(
            errors, "registration_ward", gettext("Đăng ký khai sinh tại UBND xã nơi cư trú của cha hoặc mẹ.")
        )
    if "permanent_residence" in procedures:
        if value_at(d, "residence.owner_consent") is False:
            _add(errors, "residence.owner_consent", gettext("Cần có sự đồng ý của chủ hộ, chủ sở hữu chỗ ở."))
        if value_at(d, "residence.collective_household"):
            _add(
                errors,
                "residence.collective_household",
                gettext(
                    "Đăng ký thường trú vào hộ tập thể không thuộc phạm vi liên thông; "
                    "vui lòng làm thủ tục riêng tại công an."
                ),
            )
    if "health_insurance" in procedures and value_at(d, "health_insurance.first_card") is False:
        _add(
            errors,
            "health_insurance.first_card",
            gettext(
                "Liên thông chỉ cấp thẻ bảo hiểm y tế lần đầu; "
                "cấp lại, đổi thẻ làm tại cơ quan bảo hiểm xã hội."
            ),
        )
    posted = "child_id_card" in procedures and value_at(d, "child_id_card.delivery_method") == "post"
    if posted and is_blank(value_at(d, "child_id_card.delivery_address")):
        _add(
            errors,
            "child_id_card.delivery_address",
            gettext("Cần địa chỉ nhận thẻ khi chọn gửi qua bưu chính."),
        )


def _death_place_rules(d: dict, procedures: dict, errors: Errors) -> None:
    """Law on Civil Status 2014, Art. 32: at the commune of the last residence; where that is not
    known, at the commune where the person died."""
    ward = d.get("registration_ward")
    last_ward, died_in = value_at(d, "death.ward_code"), value_at(d, "death.place_of_death_ward")
    if last_ward:
        if is_blank(value_at(d, "death.last_residence_address")):
            _add(errors, "death.last_residence_address", gettext("Ghi địa chỉ nơi cư trú cuối cùng."))
        if ward and ward != last_ward:
            _add(
                errors,
                "registration_ward",
                gettext("Đăng ký khai tử tại UBND xã nơi cư trú cuối cùng của người chết."),
            )
    elif died_in:
        if ward and ward != died_in:
            _add(
                errors,
                "registration_ward",
                gettext(
                    "Không xác định được nơi cư trú cuối cùng: đăng ký khai tử tại UBND xã nơi người đó chết."
                ),
            )
    else:
        _add(
            errors,
            "death.ward_code",
            gettext(
                "Ghi xã, phường nơi cư trú cuối cùng; "
                "nếu không xác định được, ghi xã, phường nơi người đó chết."
            ),
        )
    if "residence_removal" in procedures and not last_ward:
        _add(
            errors,
            "death.ward_code",
            gettext("Xoá đăng ký thường trú cần nơi cư trú cuối cùng của người chết."),
        )


def _death_rules(d: dict, procedures: dict, catalogue: Catalogue, today: date, errors: Errors) -> None:
    born, died = value_at(d, "deceased.date_of_birth"), value_at(d, "death.date_of_death")
    if born and died and died < born:
        _add(errors, "death.date_of_death", gettext("Ngày chết không được trước ngày sinh."))
    notice_date = value_at(d, "death.death_notice_date")
    if notice_date and died and notice_date < died:
        _add(errors, "death.death_notice_date", gettext("Ngày cấp giấy báo tử không được trước ngày chết."))
    _death_place_rules(d, procedures, errors)
    if "funeral_allowance" not in procedures:
        return
    regime = value_at(d, "funeral_allowance.regime")
    survivor = value_at(d, "funeral_allowance.survivor_benefit") or {}
    if survivor.get("requested"):
        supports = ((catalogue.procedures["funeral_allowance"].by_regime or {}).get(regime or "") or {}).get(
            "survivor_benefit", False
        )
        if regime != Regime.SOCIAL_INSURANCE or not supports:
            _add(
                errors,
                "funeral_allowance.survivor_benefit.requested",
                gettext(
                    "Trợ cấp tuất chỉ giải quyết liên thông cho người tham gia, hưởng bảo hiểm xã hội "
                    "theo danh mục đang áp dụng."
                ),
            )
        if not survivor.get("survivors"):
            _add(
                errors,
                "funeral_allowance.survivor_benefit.survivors",
                gettext("Cần kê khai ít nhất một thân nhân hưởng tuất."),
            )
        if not survivor.get("preferred_form"):
            _add(
                errors,
                "funeral_allowance.survivor_benefit.preferred_form",
                gettext("Chọn hưởng hằng tháng hoặc một lần."),
            )


# --- deadlines and flags ------------------------------------------------------------------------


def is_late_registration(declaration: dict, catalogue: Catalogue, *, today: date) -> bool:
    """Registered after the legal window (60 days after birth, 15 after death): allowed but flagged."""
    event = value_at(
        declaration, "child.date_of_birth" if declaration["group"] == Group.BIRTH else "death.date_of_death"
    )
    return bool(event) and (today - event).days > catalogue.rule.legal_window_days


def supplement_fields_allowed(items: list[dict]) -> set[str]:
    return {item["field"] for item in items if item.get("field")}


def changed_paths(before: dict, after: dict, prefix: str = "") -> set[str]:
    """Dotted paths whose values differ between two declarations (lists compare whole)."""
    paths: set[str] = set()
    for key in set(before) | set(after):
        left, right = before.get(key), after.get(key)
        path = f"{prefix}{key}"
        if isinstance(left, dict) or isinstance(right, dict):
            paths |= changed_paths(left or {}, right or {}, f"{path}.")
        elif left != right:
            paths.add(path)
    return paths


def path_allowed(path: str, allowed: set[str]) -> bool:
    """A change to ``child.full_name`` is allowed by ``child.full_name`` or by the whole ``child``."""
    parts = path.split(".")
    return any(".".join(parts[:i]) in allowed for i in range(1, len(parts) + 1))


# --- proactive registration (Law 03/2026/QH16) ----------------------------------------------------


def proactive_registration_on(*, province: int | None, day: date, start: date, provinces: list[str]) -> bool:
    """Whether a hospital's certificate starts a draft for the family in this province on this day."""
    if province is None or day < start:
        return False
    return "*" in provinces or str(province) in provinces
