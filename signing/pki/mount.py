"""The test PKI mounted in the demo site under ``/mock-pki/``, so ``make run`` signs B-LTA extracts
with no server to install, and the remote-signing provider under ``/mock-ky-so-tu-xa/`` with the
demo's phone, where its codes arrive. Not mounted under production settings."""

from __future__ import annotations

import asyncio
import io
from functools import cache

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from werkzeug.wrappers import Response

from . import ensure, remote
from .remote import RemoteSigningProvider
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


@cache
def _provider(directory: str, url: str) -> RemoteSigningProvider:
    return RemoteSigningProvider(ensure(directory, url))


def remote_provider() -> RemoteSigningProvider:
    """The demo's remote-signing provider (its state beside the test PKI)."""
    return _provider(str(settings.SIGNING["pki_dir"]), settings.SIGNING["pki_url"])


@csrf_exempt
@require_POST
def serve_remote(request, endpoint: str):
    body, status = asyncio.run(remote.answer(remote_provider(), endpoint, request.body))
    return JsonResponse(body, status=status)


def phone(request):
    """The demo's phone: the codes the provider sent, newest first."""
    return render(request, "signing/demo_phone.html", {"messages_sent": remote_provider().messages()[:10]})
