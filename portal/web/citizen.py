"""The citizen's own bundles and a status page that always tells where each agency's step is."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from portal.accounts.constants import Role
from registrations import selectors
from registrations.models import Bundle
from signing.models import Extract

PLAIN = {
    "waiting": "Chờ bước trước hoàn thành.",
    "pending": "Đang chờ gửi sang cơ quan.",
    "sending": "Đang gửi sang cơ quan.",
    "accepted": "Cơ quan đã tiếp nhận, đang giải quyết.",
    "done": "Đã có kết quả.",
    "rejected": "Cơ quan chưa giải quyết được; cán bộ UBND sẽ xử lý và liên hệ Anh/Chị.",
    "dead": "Chưa gửi được sang cơ quan; cán bộ UBND đang xử lý.",
}


def _own(request, key) -> Bundle:
    if request.user.role != Role.CITIZEN:
        raise Http404
    try:
        return selectors.bundle_get(user=request.user, key=str(key))
    except Bundle.DoesNotExist:
        raise Http404 from None


def _context(bundle: Bundle) -> dict:
    now = timezone.now()
    steps = [
        {
            "step": s,
            "plain": PLAIN.get(s.state, ""),
            "overdue": bool(s.deadline and s.state != "done" and s.deadline < now),
        }
        for s in bundle.steps.all()
    ]
    supplement = next(
        (s for s in bundle.supplements.all() if s.answered_at is None and s.expired_at is None), None
    )
    return {
        "bundle": bundle,
        "steps": steps,
        "supplement": supplement,
        "now": now,
        "extract": Extract.objects.filter(bundle=bundle, superseded_at__isnull=True).first(),
    }


@login_required(login_url="accounts:citizen-login")
def my_bundles(request):
    if request.user.role != Role.CITIZEN:
        raise Http404
    bundles = selectors.bundles_for(request.user).select_related("ward").order_by("-created_at")[:100]
    return render(request, "web/my_bundles.html", {"bundles": bundles})


@login_required(login_url="accounts:citizen-login")
def status(request, key):
    return render(request, "web/status.html", _context(_own(request, key)))


@login_required(login_url="accounts:citizen-login")
def status_fragment(request, key):
    """The part of the status page that the page re-reads every few seconds while it stays open."""
    return render(request, "web/status_steps.html", _context(_own(request, key)))
