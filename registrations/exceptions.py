class RegistrationError(Exception):
    """Base of the errors a service raises for the caller to show."""


# Actions and states in the words a message names them (the API's ``allowed_actions`` keeps the codes).
ACTION_WORDS = {
    "accept": "tiếp nhận",
    "submit": "nộp",
    "resubmit": "gửi bổ sung",
    "register": "đăng ký vào sổ",
    "sign": "ký trích lục",
    "reject": "từ chối",
    "withdraw": "rút hồ sơ",
    "request_supplement": "yêu cầu bổ sung",
    "close_partially": "kết thúc một phần",
    "complete": "hoàn thành",
    "attach": "đính kèm giấy tờ",
    "update": "sửa bản nháp",
    "issue_without_personal_id": "cấp trích lục trước khi có số định danh",
    "decide_correction": "quyết định cải chính",
    "request_correction": "đề nghị cải chính",
    "replay": "gửi lại",
    "record_result": "ghi nhận kết quả",
}
STATE_WORDS = {
    "draft": "bản nháp",
    "submitted": "đã nộp",
    "in_review": "đang xem xét",
    "awaiting_citizen": "chờ công dân bổ sung",
    "registered": "đã đăng ký",
    "signed": "đã ký trích lục",
    "completed": "hoàn thành",
    "partially_completed": "hoàn thành một phần",
    "rejected": "bị từ chối",
    "withdrawn": "đã rút",
    # a step's
    "waiting": "chờ bước trước",
    "pending": "chờ gửi",
    "sending": "đang gửi",
    "accepted": "cơ quan đã tiếp nhận",
    "done": "đã có kết quả",
    "dead": "gửi thất bại",
}


class TransitionRefused(RegistrationError):
    """The action is not allowed in the bundle's (or step's) current state; nothing was changed."""

    def __init__(self, *, action: str, state: str, allowed: list[str]):
        self.action, self.state, self.allowed = action, state, allowed
        listed = ", ".join(ACTION_WORDS.get(a, a) for a in allowed) or "không có"
        super().__init__(
            f"Không thể {ACTION_WORDS.get(action, action)} khi hồ sơ ở trạng thái "
            f"“{STATE_WORDS.get(state, state)}”. Việc có thể làm lúc này: {listed}."
        )


class ValidationFailed(RegistrationError):
    """Field-level problems, keyed by declaration path."""

    def __init__(self, errors: dict[str, list[str]], message: str = "Hồ sơ chưa hợp lệ."):
        self.errors = errors
        super().__init__(message)


class DuplicateRegistration(ValidationFailed):
    """The medical certificate or death notice already backs another registered bundle."""

    def __init__(self, *, field: str, label: str, number: str, existing_code: str):
        self.existing_code = existing_code
        message = f"{label} số {number} đã được dùng để đăng ký hồ sơ {existing_code}; không đăng ký lần hai."
        super().__init__({field: [message]}, message)


class NotPermitted(RegistrationError):
    """The actor's role may not take this action on this bundle."""


class AttachmentKept(RegistrationError):
    """A scan that was already filed with the bundle cannot be taken back."""
