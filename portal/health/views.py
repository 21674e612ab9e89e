from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from . import checks


@never_cache
def healthz(request):
    """The process is alive and serving; nothing else is checked."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    results = {name: check() for name, check in checks.CHECKS.items()}
    failed = {name: problem for name, problem in results.items() if problem}
    body = {
        "status": "ready" if not failed else "unavailable",
        "checks": {name: (problem or "ok") for name, problem in results.items()},
        "failed": sorted(failed),
    }
    return JsonResponse(body, status=503 if failed else 200)
