"""Who a bundle is waiting for, in words: the clerk, the leader, the police or another agency, the
citizen. The citizen's status page and the clerk's case page say it the same way."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What a step that waits for an earlier one is really waiting for, by the bundle's state.
WAITING_FOR = {
    "submitted": _("Chờ cán bộ UBND xã, phường tiếp nhận hồ sơ."),
    "in_review": _("Chờ cán bộ UBND kiểm tra và đăng ký hồ sơ."),
    "awaiting_citizen": _("Chờ Anh/Chị gửi bổ sung hồ sơ."),
    "registered": _("Chờ lãnh đạo UBND ký số trích lục."),
}
WAITING_FOR_PERSONAL_ID = _("Chờ công an cấp số định danh cá nhân cho trẻ, rồi lãnh đạo UBND ký trích lục.")
# The same, said to staff: the citizen is the citizen, not "Anh/Chị".
FOR_STAFF = {**WAITING_FOR, "awaiting_citizen": _("Chờ công dân gửi bổ sung hồ sơ.")}
OUTSTANDING = ("waiting", "pending", "sending", "accepted")
STUCK = ("rejected", "dead")


def personal_id_missing(steps) -> bool:
    return any(s.procedure == "personal_id" and s.state != "done" for s in steps)


def bundle_waiting_for(bundle, steps, *, for_staff: bool = False) -> str:
    """The one sentence that says whose move it is now ("" once the bundle is closed)."""
    said = FOR_STAFF if for_staff else WAITING_FOR
    if bundle.state == "registered" and personal_id_missing(steps):
        return str(WAITING_FOR_PERSONAL_ID)
    if bundle.state in said:
        return str(said[bundle.state])
    if bundle.state != "signed":
        return ""
    stuck = [s for s in steps if s.state in STUCK]
    if stuck:
        names = ", ".join(s.get_procedure_label() for s in stuck)
        return gettext("Chờ cán bộ UBND xử lý bước chưa thành công: %(steps)s.") % {"steps": names}
    agencies = sorted({s.get_agency_name() for s in steps if s.state in OUTSTANDING})
    if not agencies:
        return ""
    return gettext("Chờ cơ quan trả kết quả: %(agencies)s.") % {"agencies": ", ".join(agencies)}
