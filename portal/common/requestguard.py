"""Requests refused before any view reads them: a NUL byte in the path, a query value, a header or a
submitted form is no value any page or API takes (PostgreSQL refuses it in text), so it is a clear
400, never a 500. No browser sends one from a form; only a crafted request does. (JSON bodies are
checked by the JSON reader, at the field; multipart bodies by the upload views.)"""

from __future__ import annotations

from django.http import HttpResponse

from .problems import problem_json

REFUSED = "Yêu cầu chứa ký tự không hợp lệ (NUL)."


# A page of its own: this runs before the session and the user are known, so no base template.
PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Yêu cầu không hợp lệ</title>'
    '</head><body><main><h1>Yêu cầu không hợp lệ</h1><p class="error-summary" role="alert">{message} '
    "Vui lòng quay lại trang trước và nhập lại.</p></main></body></html>"
)


def _values_have_nul(values) -> bool:
    """A query string's or a form's keys and values (a ``QueryDict``)."""
    return any("\x00" in key or any("\x00" in v for v in found) for key, found in values.lists())


def _has_nul(request) -> bool:
    if "\x00" in request.path or _values_have_nul(request.GET):
        return True
    return any("\x00" in str(value) for value in request.headers.values())


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return _refused(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A submitted form, once its view is known. Views exempt from the CSRF check parse their own
        # body (the uploads install their size limit first, the API reads JSON): they are left alone;
        # every other form is parsed here as the CSRF check would parse it anyway.
        if (
            request.method == "POST"
            and not getattr(view_func, "csrf_exempt", False)
            and _values_have_nul(request.POST)
        ):
            return _refused(request)
        return None


def _refused(request):
    if request.path.startswith("/api/"):
        return problem_json(status_code=400, detail=REFUSED)
    return HttpResponse(PAGE.format(message=REFUSED), status=400, content_type="text/html; charset=utf-8")
