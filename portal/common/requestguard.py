"""Requests refused before any view reads them: a NUL byte in the path, a query value or a header is
no value any page or API takes (PostgreSQL refuses it in text), so it is a clear 400, never a 500."""

from __future__ import annotations

from django.http import HttpResponse

from .problems import problem_json

REFUSED = "Yêu cầu chứa ký tự không hợp lệ (NUL)."


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    return any("\x00" in str(value) for value in request.headers.values())


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return problem_json(status_code=400, detail=REFUSED)
            return HttpResponse(REFUSED, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
