class RegistrationError(Exception):
    """Base of the errors a service raises for the caller to show."""


class TransitionRefused(RegistrationError):
    """The action is not allowed in the bundle's (or step's) current state; nothing was changed."""

    def __init__(self, *, action: str, state: str, allowed: list[str]):
        self.action, self.state, self.allowed = action, state, allowed
        listed = ", ".join(allowed) or "không có"
        super().__init__(
            f"Không thể thực hiện '{action}' khi hồ sơ ở trạng thái '{state}'. "
            f"Các thao tác được phép: {listed}."
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
