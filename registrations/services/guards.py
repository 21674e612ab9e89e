"""Who may take which action on a bundle."""

from __future__ import annotations

from portal.accounts.constants import Role

from ..constants import BundleState
from ..exceptions import NotPermitted, TransitionRefused
from ..models import Bundle

CLERK_ACTIONS = {
    "accept",
    "request_supplement",
    "reject",
    "register",
    "issue_without_personal_id",
    "close_partially",
    "decide_correction",
    "replay",
}
OWNER_ACTIONS = {"update", "submit", "withdraw", "resubmit", "attach"}
LEADER_ACTIONS = {"sign"}


# What the clerk who filed a bundle for a citizen at the counter may do with it: fill it in while it
# is a draft, attach the scans, and submit it once the citizen confirmed. Never judge it.
ASSISTING_ACTIONS = {"update", "attach", "submit"}
NOT_BY_THE_ASSISTING_CLERK = {"accept", "register", "reject", "request_supplement"}


def ensure_may(action: str, *, actor, bundle: Bundle) -> None:
    assisting = bundle.assisted_by_id is not None and bundle.assisted_by_id == actor.pk
    if assisting and action in NOT_BY_THE_ASSISTING_CLERK:
        raise NotPermitted(
            "Cán bộ đã hỗ trợ công dân nộp hồ sơ này không được tự tiếp nhận, xử lý hay đăng ký; "
            "một cán bộ khác của xã, phường thực hiện."
        )
    if assisting and action in ASSISTING_ACTIONS and bundle.state == BundleState.DRAFT:
        return
    is_owner = bundle.owner_id == actor.pk
    is_ward_clerk = (
        actor.role == Role.WARD_CLERK and bundle.ward_id is not None and actor.ward_id == bundle.ward_id
    )
    is_ward_leader = actor.role == Role.WARD_LEADER and actor.ward_id == bundle.ward_id
    allowed = (
        (action in OWNER_ACTIONS and is_owner)
        or (action in CLERK_ACTIONS and is_ward_clerk)
        or (action in LEADER_ACTIONS and is_ward_leader)
        or (action == "request_correction" and (is_owner or is_ward_clerk))
        or (action == "attach" and is_ward_clerk)
    )
    if not (actor.is_active and allowed):
        raise NotPermitted(f"Tài khoản này không được thực hiện thao tác '{action}' với hồ sơ này.")


def bundle_check_may(*, action: str, actor, bundle: Bundle) -> None:
    """For other apps (signing): raise NotPermitted unless ``actor`` may take ``action`` on ``bundle``."""
    ensure_may(action, actor=actor, bundle=bundle)


def require_state(bundle: Bundle, action: str, states) -> None:
    """Refuse an action that is not a transition of its own (or must be refused before any work) when
    the bundle is in none of ``states``."""
    if bundle.state not in states:
        raise TransitionRefused(action=action, state=bundle.state, allowed=allowed_actions(bundle))


def allowed_actions(bundle: Bundle) -> list[str]:
    """The bundle transitions possible from its current state (whoever may take them)."""
    return sorted({t.name for t in bundle.get_available_state_transitions()})
