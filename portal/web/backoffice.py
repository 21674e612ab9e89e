"""The ward's back office: the work queue, the case page (with the interconnect sync panel) and its
actions, and search. Pages combining apps live on this floor; every change goes through the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from interconnect.national_portal.outbound import dossier_messages_replay
from interconnect.national_portal.selectors import dossier_sync
from interconnect.selectors import signature_to_completion, sync_rows
from portal.accounts.constants import Role
from portal.accounts.decorators import back_office_required
from registrations import selectors, services
from registrations.constants import AttachmentKind
from registrations.declaration import declaration_of
from registrations.exceptions import NotPermitted, TransitionRefused, ValidationFailed
from registrations.models import Bundle

from .filing.form import ATTACHMENT_KINDS
from .history import case_history
from .labels import correction_rows, declaration_sections, result_rows
from .waiting import bundle_waiting_for

STAFF_ROLES = (Role.WARD_CLERK, Role.WARD_LEADER, Role.PROVINCE_STAFF, Role.ADMIN)


@back_office_required
def queue(request):
    filter_name = request.GET.get("loc", "all")
    if filter_name not in selectors.QUEUE_FILTERS:
        filter_name = "all"
    group = request.GET.get("nhom") or None
    now = timezone.now()
    bundles, counts = selectors.work_queue(request.user, filter_name=filter_name, group=group, now=now)
    page = Paginator(bundles, 25).get_page(request.GET.get("trang"))
    filters = [(name, label, counts[name]) for name, label in selectors.QUEUE_FILTERS.items()]
    return render(
        request,
        "web/queue.html",
        {"page": page, "filters": filters, "current": filter_name, "group": group or "", "now": now},
    )


@back_office_required
@require_http_methods(["GET", "POST"])
def search(request):
    """Searched by POST: what is typed (often a 12-digit personal ID number) never enters a URL, so
    never the access log, the browser history or a Referer header. GET only shows the form."""
    text = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    results = list(selectors.search(request.user, text)[:50]) if text else []
    if text:
        services.personal_data_searched(actor=request.user, results=len(results))
    response = render(request, "web/search.html", {"text": text, "results": results})
    response["Cache-Control"] = "private, no-store"
    return response


def _case(request, key: str) -> Bundle:
    try:
        return selectors.bundle_get(user=request.user, key=key)
    except Bundle.DoesNotExist:
        raise Http404 from None


@back_office_required
def case(request, key: str):
    bundle = _case(request, key)
    services.personal_data_viewed(bundle=bundle, actor=request.user, what="case")
    declaration = declaration_of(bundle)
    timeline = case_history(bundle)
    personal_id = next((s for s in bundle.steps.all() if s.procedure == "personal_id"), None)
    sync = sync_rows(bundle)
    correction = next((c for c in bundle.corrections.all() if c.state == "requested"), None)
    for row in sync:
        row.shown_result = result_rows(row.step.result)
    return render(
        request,
        "web/case.html",
        {
            "bundle": bundle,
            "sections": declaration_sections(declaration),
            "timeline": timeline,
            "sync": sync,
            "pipeline_seconds": signature_to_completion(bundle),
            "national": dossier_sync(bundle),
            "allowed": set(services.allowed_actions(bundle)),
            "is_clerk": request.user.role == Role.WARD_CLERK,
            "personal_id_overdue": bool(
                personal_id
                and personal_id.state != "done"
                and personal_id.deadline
                and personal_id.deadline < timezone.now()
            ),
            "waiting_for": bundle_waiting_for(bundle, list(bundle.steps.all()), for_staff=True),
            "open_correction": correction,
            "correction_rows": correction_rows(correction.changes, declaration) if correction else [],
            # Only the documents of this bundle's own group: no death notice asked of a birth.
            "attachment_kinds": [(k, AttachmentKind(k).label) for k in ATTACHMENT_KINDS[bundle.group]],
            "now": timezone.now(),
        },
    )


@back_office_required
@require_http_methods(["POST"])
def case_action(request, key: str, action: str):
    bundle = _case(request, key)
    if action not in services.CASE_ACTIONS:
        raise Http404
    if not request.POST.get("confirm"):
        messages.error(request, gettext("Vui lòng đánh dấu xác nhận trước khi thực hiện."))
        return redirect("web:case", key=bundle.public_id)
    details = {}
    if action == "request_supplement":
        details["items"] = _supplement_items(request, bundle)
    elif action == "replay":
        details["procedure"] = request.POST.get("procedure", "")
    try:
        _result, done = services.bundle_act(
            bundle=bundle, actor=request.user, action=action, reason=request.POST.get("reason", ""), **details
        )
    except (TransitionRefused, NotPermitted) as exc:
        messages.error(request, str(exc))
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for found in exc.errors.values() for m in found))
    else:
        messages.success(request, done)
    return redirect("web:case", key=bundle.public_id)


@back_office_required
@require_http_methods(["POST"])
def national_portal_replay(request, key: str):
    """The clerk sends the bundle's failed messages to the national portal again, once the cause is
    fixed (a login, a mapping the portal refused)."""
    bundle = _case(request, key)
    if request.user.role != Role.WARD_CLERK:
        raise Http404
    if not request.POST.get("confirm"):
        messages.error(request, gettext("Vui lòng đánh dấu xác nhận trước khi thực hiện."))
    elif dossier_messages_replay(bundle=bundle, actor=request.user):
        messages.success(
            request, gettext("Đã đưa các thông điệp trạng thái vào hàng gửi lại Cổng Dịch vụ công.")
        )
    else:
        messages.error(request, gettext("Không có thông điệp nào gửi thất bại."))
    return redirect("web:case", key=bundle.public_id)


def _supplement_items(request, bundle: Bundle) -> list[dict]:
    reason = request.POST.get("reason", "").strip()
    if not reason:
        return []
    fields = [f for f in request.POST.getlist("fields") if f]
    kinds = [k for k in request.POST.getlist("attachments") if k in ATTACHMENT_KINDS[bundle.group]]
    return [{"field": f[:100], "reason": reason[:500]} for f in fields] + [
        {"attachment": k, "reason": reason[:500]} for k in kinds
    ]
