"""API errors as RFC 9457 problem details, with field-level messages under ``errors``."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES = {
    status.HTTP_400_BAD_REQUEST: gettext_lazy("Dữ liệu không hợp lệ"),
    status.HTTP_401_UNAUTHORIZED: gettext_lazy("Chưa đăng nhập"),
    status.HTTP_403_FORBIDDEN: gettext_lazy("Không có quyền"),
    status.HTTP_404_NOT_FOUND: gettext_lazy("Không tìm thấy"),
    status.HTTP_405_METHOD_NOT_ALLOWED: gettext_lazy("Phương thức không được hỗ trợ"),
    status.HTTP_409_CONFLICT: gettext_lazy("Xung đột trạng thái"),
    status.HTTP_410_GONE: gettext_lazy("Không còn lưu trữ"),
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: gettext_lazy("Dữ liệu quá lớn"),
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: gettext_lazy("Kiểu dữ liệu không được hỗ trợ"),
    status.HTTP_429_TOO_MANY_REQUESTS: gettext_lazy("Quá nhiều yêu cầu"),
    status.HTTP_500_INTERNAL_SERVER_ERROR: gettext_lazy("Lỗi máy chủ"),
    status.HTTP_503_SERVICE_UNAVAILABLE: gettext_lazy("Tạm thời gián đoạn"),
}


def _problem(status_code: int, detail: str, errors: dict | None, title: str | None) -> dict:
    body = {
        "type": "about:blank",
        "title": title or str(_TITLES.get(status_code, gettext_lazy("Lỗi"))),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(*, status_code: int, detail: str, errors: dict | None = None, headers=None) -> Response:
    """A problem answer from an API view."""
    return Response(
        _problem(status_code, detail, errors, None),
        status=status_code,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def problem_json(*, status_code: int, detail: str, title: str | None = None, headers=None) -> JsonResponse:
    """The same answer from outside the API's views: Django's error handlers, the sign-in lockout."""
    return JsonResponse(
        _problem(status_code, detail, None, title),
        status=status_code,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as {dotted path: [messages]}, the shape the API declares and the one
    the declaration, the completeness rules and supplement requests use ("mother.id_number");
    messages about a whole object keep the object's path, list items their index."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = (
                prefix
                if key == "non_field_errors" and prefix
                else (f"{prefix}.{key}" if prefix else str(key))
            )
            for path, messages in flatten_errors(value, name).items():
                out.setdefault(path, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                for path, messages in flatten_errors(
                    item, f"{prefix}.{index}" if prefix else str(index)
                ).items():
                    out.setdefault(path, []).extend(messages)
    elif detail:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


class RequestBodyRefused(exceptions.APIException):
    """Django refused the body itself (too many files or fields, too much data) before a view saw it."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "body_refused"

    def __init__(self, detail: str, *, status_code: int = status.HTTP_400_BAD_REQUEST):
        super().__init__(detail)
        self.status_code = status_code


BODY_REFUSALS = (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent)


def body_refusal(exc: Exception) -> RequestBodyRefused | None:
    """Django's own refusals of a request body, in words a person can act on; these are
    ``SuspiciousOperation`` subclasses that DRF would otherwise hand on as a bare HTML 400."""
    if isinstance(exc, RequestDataTooBig):
        return RequestBodyRefused(
            _("Dữ liệu gửi lên quá lớn."), status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, TooManyFilesSent):
        return RequestBodyRefused(_("Mỗi lần chỉ gửi một tệp."))
    if isinstance(exc, TooManyFieldsSent):
        return RequestBodyRefused(_("Biểu mẫu có quá nhiều trường."))
    return None


def problem_exception_handler(exc, context):
    exc = body_refusal(exc) or exc
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling and logging take over
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        detail = _("Vui lòng kiểm tra các trường được nêu.")
    elif isinstance(exc, exceptions.Throttled):
        detail = _("Quá nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại sau %(seconds)s giây.") % {
            "seconds": exc.wait or 1
        }
    else:
        detail = str(getattr(exc, "detail", exc))
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    return problem_response(status_code=response.status_code, detail=detail, errors=errors, headers=headers)
