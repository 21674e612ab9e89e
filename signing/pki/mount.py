"""The test PKI mounted in the demo site under ``/mock-pki/``, so ``make run`` signs B-LTA extracts
with no server to install. Not mounted under production settings."""

from __future__ import annotations

import io
from functools import cache

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from werkzeug.wrappers import Response

from . import ensure
from .service import PKIService


@cache
def _service(directory: str, url: str) -> PKIService:
    return PKIService(ensure(directory, url))


def test_pki():
    """The configured test PKI (keys made on first use)."""
    return ensure(settings.SIGNING["pki_dir"], settings.SIGNING["pki_url"])


@csrf_exempt
def serve(request, rest: str):
    body = request.body
    environ = {
        **request.environ,
        "PATH_INFO": "/" + rest,
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    answer = Response.from_app(
        _service(str(settings.SIGNING["pki_dir"]), settings.SIGNING["pki_url"]), environ
    )
    return HttpResponse(answer.get_data(), status=answer.status_code, content_type=answer.mimetype)
