"""A clerk's action on a bundle, by name: what the case page's buttons and the API's action endpoints
both dispatch through, with the same checks and the same words for what was done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import selectors
from ..exceptions import ValidationFailed
from .corrections import correction_decide
from .outbox import step_replay
from .registration import bundle_close_partially, bundle_issue_without_personal_id, bundle_register
from .review import bundle_accept, bundle_reject, bundle_request_supplement

REASON_MISSING = "Vui lòng ghi lý do."


@dataclass(frozen=True)
class CaseAction:
    run: Callable
    needs_reason: bool
    done: Callable[[object], str]  # the Vietnamese sentence shown once it is done


def _replay(*, bundle, actor, procedure: str = ""):
    if isinstance(bundle, selectors.BundleKey):
        bundle = selectors.bundle_get(user=actor, key=bundle.key, queryset=selectors.bundles_for(actor))
    step = selectors.step_of(bundle=bundle, procedure=procedure)
    if step is None:
        raise ValidationFailed({"procedure": ["Hồ sơ không có bước này."]})
    return step_replay(step_id=step.pk, actor=actor)


def _supplement(*, bundle, actor, items: list[dict] | None = None):
    if not items:
        raise ValidationFailed(
            {"items": ["Chọn ít nhất một trường hoặc giấy tờ cần bổ sung và ghi lý do."]},
            "Chưa nêu nội dung cần bổ sung.",
        )
    return bundle_request_supplement(bundle=bundle, actor=actor, items=items)


def _approve(*, bundle, actor, reason: str = ""):
    return correction_decide(bundle=bundle, actor=actor, approve=True, note=reason)


def _refuse(*, bundle, actor, reason: str = ""):
    return correction_decide(bundle=bundle, actor=actor, approve=False, note=reason)


CASE_ACTIONS: dict[str, CaseAction] = {
    "accept": CaseAction(bundle_accept, False, lambda _: "Đã tiếp nhận hồ sơ."),
    "reject": CaseAction(bundle_reject, True, lambda _: "Đã từ chối hồ sơ."),
    "register": CaseAction(
        bundle_register,
        False,
        lambda b: f"Đã đăng ký: số {b.registration_number}, quyển số {b.registration_book}.",
    ),
    "issue_without_personal_id": CaseAction(
        bundle_issue_without_personal_id,
        True,
        lambda _: "Đã ghi nhận cấp trích lục khi chưa có số định danh.",
    ),
    "close_partially": CaseAction(bundle_close_partially, True, lambda _: "Đã đóng hồ sơ một phần."),
    "request_supplement": CaseAction(_supplement, False, lambda _: "Đã gửi yêu cầu bổ sung cho công dân."),
    "replay": CaseAction(_replay, False, lambda s: f"Đã gửi lại bước “{s.get_procedure_label()}”."),
    "approve_correction": CaseAction(_approve, False, lambda _: "Đã chấp thuận cải chính."),
    "refuse_correction": CaseAction(_refuse, False, lambda _: "Đã từ chối cải chính."),
}


def bundle_act(*, bundle, actor, action: str, reason: str = "", **details) -> tuple[object, str]:
    """Run the clerk's ``action`` (a key of ``CASE_ACTIONS``; LookupError otherwise). Returns what the
    service returned and the sentence saying what was done."""
    case_action = CASE_ACTIONS[action]
    reason = reason.strip()
    if case_action.needs_reason and not reason:
        raise ValidationFailed({"reason": [REASON_MISSING]}, REASON_MISSING)
    arguments = dict(details)
    if case_action.needs_reason or action.endswith("_correction"):
        arguments["reason"] = reason
    result = case_action.run(bundle=bundle, actor=actor, **arguments)
    return result, case_action.done(result)
