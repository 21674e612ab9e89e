"""Uploads stop at the size limit while they stream in, whatever the request claims.

Django's upload settings do not cap a file's size (``FILE_UPLOAD_MAX_MEMORY_SIZE`` is only where a
file spills to disk), so every upload view calls :func:`limit_upload` before anything reads the body:
the declared ``Content-Length`` is checked first, then a handler counts the bytes as they arrive.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler
from rest_framework import exceptions, status

from portal.common.problems import BODY_REFUSALS, body_refusal
from portal.common.text import size_shown

# Room for the multipart boundaries and the other form fields around the one file.
FORM_OVERHEAD = 64 * 1024


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Tệp vượt quá dung lượng cho phép (tối đa 10 MB)."
    default_code = "too_large"


def too_large_message(limit: int) -> str:
    return f"Tệp vượt quá dung lượng cho phép (tối đa {size_shown(limit)})."


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each file as they arrive and aborts the request past ``limit``: the parser
    stops reading the body there, and the handlers after it never receive more than the limit."""

    def __init__(self, limit: int, request=None):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise PayloadTooLarge(too_large_message(self.limit))
        return raw_data

    def file_complete(self, file_size):
        return None


def refuse_declared_excess(request, *, limit: int) -> None:
    """Refuse a body whose declared length is already over the limit, before reading any of it."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + FORM_OVERHEAD:
        raise PayloadTooLarge(too_large_message(limit))


def stop_reading_past(request, *, limit: int) -> None:
    """Stop reading at the limit whatever the body declared. Call before the body is parsed (a
    session client's CSRF check parses it)."""
    request.upload_handlers = [LimitedUploadHandler(limit), *request.upload_handlers]


def limit_upload(request, *, limit: int) -> None:
    refuse_declared_excess(request, limit=limit)
    stop_reading_past(request, limit=limit)


UPLOAD_REFUSALS = (PayloadTooLarge, *BODY_REFUSALS)


def upload_refusal(exc: Exception, *, limit: int) -> tuple[str, int]:
    """For a page: what to tell the person whose upload was stopped (one of ``UPLOAD_REFUSALS``), and
    the status to answer with."""
    if isinstance(exc, PayloadTooLarge):
        return too_large_message(limit), status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    refused = body_refusal(exc)
    return str(refused.detail), refused.status_code
