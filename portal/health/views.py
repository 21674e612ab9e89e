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


@never_cache
def metrics(request):
    """Prometheus text format: steps by agency and state, and the relay's lag. No personal data."""
    import hmac

    from django.conf import settings
    from django.utils import timezone

    from portal.common.peers import unsigned_totals
    from registrations.selectors import oldest_due_step_since, step_counts

    token = getattr(settings, "METRICS_TOKEN", "")
    if token and not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    lines = [
        "# HELP portal_steps Steps by agency and state.",
        "# TYPE portal_steps gauge",
    ]
    for (agency, state), count in sorted(step_counts().items()):
        lines.append(f'portal_steps{{agency="{agency}",state="{state}"}} {count}')
    oldest = oldest_due_step_since(timezone.now())
    lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    lines += [
        "# HELP portal_relay_lag_seconds How long the longest-waiting due step has waited.",
        "# TYPE portal_relay_lag_seconds gauge",
        f"portal_relay_lag_seconds {lag:.3f}",
        "# HELP portal_peer_unsigned_total Peer requests refused for a missing or bad signature.",
        "# TYPE portal_peer_unsigned_total counter",
        *(f'portal_peer_unsigned_total{{channel="{c}"}} {n}' for c, n in sorted(unsigned_totals().items())),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")
