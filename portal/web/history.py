"""A bundle's history as staff read it on the case page: one sentence per event, who did it and why,
never an event code. The family's own, shorter history is in ``citizen.TIMELINE_LABELS``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrations.models import PROCEDURE_LABELS
from registrations.selectors import bundle_timeline

SENTENCES = {
    "bundle.proactive_draft": gettext_lazy("Hồ sơ được chuẩn bị sẵn từ giấy chứng sinh điện tử"),
    "bundle.counter_assisted": gettext_lazy("{actor} hỗ trợ công dân khai hồ sơ tại bộ phận một cửa"),
    "bundle.submit": gettext_lazy("{actor} nộp hồ sơ"),
    "bundle.accept": gettext_lazy("{actor} tiếp nhận hồ sơ"),
    "bundle.request_supplement": gettext_lazy("{actor} đề nghị công dân bổ sung"),
    "bundle.supplement_reminder": gettext_lazy("Đã nhắc công dân bổ sung trước khi hết hạn"),
    "bundle.resubmit": gettext_lazy("{actor} gửi bổ sung"),
    "bundle.register": gettext_lazy("{actor} đăng ký vào sổ hộ tịch"),
    "bundle.issue_without_personal_id": gettext_lazy("{actor} cho cấp trích lục trước khi có số định danh"),
    "bundle.sign": gettext_lazy("{actor} ký số trích lục"),
    "bundle.complete": gettext_lazy("Tất cả thủ tục đã hoàn thành"),
    "bundle.close_partially": gettext_lazy("{actor} kết thúc hồ sơ khi còn thủ tục chưa có kết quả"),
    "bundle.reject": gettext_lazy("{actor} từ chối hồ sơ"),
    "bundle.withdraw": gettext_lazy("{actor} rút hồ sơ"),
    "bundle.correction_requested": gettext_lazy("{actor} đề nghị cải chính trích lục"),
    "bundle.correction_decided": gettext_lazy("{actor} quyết định đề nghị cải chính"),
    "step.accepted": gettext_lazy("{procedure}: cơ quan đã tiếp nhận yêu cầu"),
    "step.done": gettext_lazy("{procedure}: cơ quan đã trả kết quả"),
    "step.rejected": gettext_lazy("{procedure}: cơ quan từ chối"),
    "step.dead": gettext_lazy("{procedure}: gửi không thành công sau nhiều lần thử"),
    "step.resend": gettext_lazy("{procedure}: gửi lại cho cơ quan"),
    "step.replayed": gettext_lazy("{procedure}: cán bộ cho gửi lại sau khi khắc phục"),
    "step.verification_needed": gettext_lazy(
        "{procedure}: cơ quan cần xác minh, thời hạn thêm {days} ngày làm việc"
    ),
}


def history_sentence(action: str, *, actor: str, data: dict) -> str:
    """One event in words: "Nguyễn Văn A tiếp nhận hồ sơ", or "Cấp thẻ bảo hiểm y tế: cơ quan từ
    chối. Lý do: …"."""
    template = SENTENCES.get(action, gettext_lazy("Hồ sơ được cập nhật"))
    sentence = str(template).format(
        actor=actor or _("Hệ thống"),
        procedure=PROCEDURE_LABELS.get(data.get("procedure", ""), data.get("procedure", "")),
        days=data.get("days", ""),
    )
    reason = data.get("reason") or data.get("error") or ""
    return f"{sentence}. {_('Lý do')}: {reason}" if reason else sentence


def case_history(bundle) -> list[tuple]:
    """[(when, sentence)], oldest first."""
    return [
        (e.occurred_at, history_sentence(e.action, actor=e.actor_label, data=e.data or {}))
        for e in bundle_timeline(bundle)
    ]
