"""The ward's back office: the work queue, the case page (with the interconnect sync panel) and its
actions, and search. Pages combining apps live on this floor; every change goes through the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from interconnect.selectors import sync_rows
from portal.accounts.constants import Role
from portal.audit.models import AuditEvent
from registrations import selectors, services
from registrations.constants import AttachmentKind
from registrations.declaration import declaration_of
from registrations.exceptions import NotPermitted, TransitionRefused, ValidationFailed
from registrations.models import Bundle

from .decorators import back_office_required
from .labels import declaration_sections

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
def search(request):
    text = request.GET.get("q", "")
    results = list(selectors.search(request.user, text)[:50]) if text else []
    if text:
        services.personal_data_searched(actor=request.user, results=len(results))
    return render(request, "web/search.html", {"text": text, "results": results})


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
    timeline = AuditEvent.objects.filter(stream=f"bundle:{bundle.public_id}").order_by("seq")
    personal_id = next((s for s in bundle.steps.all() if s.procedure == "personal_id"), None)
    return render(
        request,
        "web/case.html",
        {
            "bundle": bundle,
            "sections": declaration_sections(declaration),
            "timeline": timeline,
            "sync": sync_rows(bundle),
            "allowed": set(services.allowed_actions(bundle)),
            "is_clerk": request.user.role == Role.WARD_CLERK,
            "personal_id_overdue": bool(
                personal_id
                and personal_id.state != "done"
                and personal_id.deadline
                and personal_id.deadline < timezone.now()
            ),
            "open_correction": next((c for c in bundle.corrections.all() if c.state == "requested"), None),
            "attachment_kinds": AttachmentKind.choices,
            "now": timezone.now(),
        },
    )


ACTIONS = {
    # action: (service, needs a reason, success message)
    "accept": (services.bundle_accept, False, "Đã tiếp nhận hồ sơ."),
    "reject": (services.bundle_reject, True, "Đã từ chối hồ sơ."),
    "register": (services.bundle_register, False, "Đã đăng ký vào sổ."),
    "issue_without_personal_id": (
        services.bundle_issue_without_personal_id,
        True,
        "Đã ghi nhận cấp trích lục khi chưa có số định danh.",
    ),
}


@back_office_required
@require_http_methods(["POST"])
def case_action(request, key: str, action: str):
    bundle = _case(request, key)
    if not request.POST.get("confirm"):
        messages.error(request, "Vui lòng đánh dấu xác nhận trước khi thực hiện.")
        return redirect("web:case", key=bundle.public_id)
    reason = request.POST.get("reason", "").strip()
    try:
        if action in ACTIONS:
            service, needs_reason, done = ACTIONS[action]
            if needs_reason and not reason:
                messages.error(request, "Vui lòng ghi lý do.")
                return redirect("web:case", key=bundle.public_id)
            result = service(
                bundle=bundle, actor=request.user, **({"reason": reason} if needs_reason else {})
            )
            if action == "register":
                done = f"Đã đăng ký: số {result.registration_number}, quyển số {result.registration_book}."
        elif action == "request_supplement":
            items = _supplement_items(request)
            if not items:
                messages.error(request, "Chọn ít nhất một trường hoặc giấy tờ cần bổ sung và ghi lý do.")
                return redirect("web:case", key=bundle.public_id)
            services.bundle_request_supplement(bundle=bundle, actor=request.user, items=items)
            done = "Đã gửi yêu cầu bổ sung cho công dân."
        elif action == "replay":
            step = bundle.steps.filter(procedure=request.POST.get("procedure", "")).first()
            if step is None:
                raise Http404
            services.step_replay(step_id=step.pk, actor=request.user)
            done = f"Đã gửi lại bước “{step.get_procedure_label()}”."
        elif action in ("approve_correction", "refuse_correction"):
            approve = action == "approve_correction"
            pending = bundle.corrections.filter(state="requested").first()
            changes = _validated_changes(bundle, pending.changes) if (approve and pending) else None
            services.correction_decide(
                bundle=bundle, actor=request.user, approve=approve, note=reason, changes=changes
            )
            done = "Đã chấp thuận cải chính." if approve else "Đã từ chối cải chính."
        else:
            raise Http404
    except (TransitionRefused, NotPermitted) as exc:
        messages.error(request, str(exc))
    except ValidationFailed as exc:
        messages.error(request, "; ".join(f"{field}: {' '.join(m)}" for field, m in exc.errors.items()))
    else:
        messages.success(request, done)
    return redirect("web:case", key=bundle.public_id)


def _supplement_items(request) -> list[dict]:
    reason = request.POST.get("reason", "").strip()
    if not reason:
        return []
    fields = [f for f in request.POST.getlist("fields") if f]
    kinds = [k for k in request.POST.getlist("attachments") if k in AttachmentKind.values]
    return [{"field": f[:100], "reason": reason[:500]} for f in fields] + [
        {"attachment": k, "reason": reason[:500]} for k in kinds
    ]


def _validated_changes(bundle: Bundle, changes: dict) -> dict:
    from registrations.serializers import DeclarationSerializer

    serializer = DeclarationSerializer(data=changes, context={"group": bundle.group})
    serializer.is_valid(raise_exception=False)
    if serializer.errors:
        raise ValidationFailed({k: [str(v)] for k, v in serializer.errors.items()})
    return serializer.validated_data
