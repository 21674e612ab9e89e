"""The citizen's own bundles and a status page that always tells where each agency's step is."""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition

from portal.accounts.constants import Role
from portal.accounts.services import counter_codes_waiting
from portal.audit.services import audit_record
from portal.audit.streams import user_stream
from portal.common.identifiers import mask_personal_id
from registrations import selectors
from registrations.models import PROCEDURE_LABELS, Bundle
from signing.models import Extract

from .labels import declaration_sections, result_rows, supplement_item_label
from .selectors import personal_data_of
from .waiting import WAITING_FOR, WAITING_FOR_PERSONAL_ID, bundle_waiting_for, personal_id_missing

PLAIN = {
    "waiting": _("Chờ bước trước hoàn thành."),
    "pending": _("Đang chờ gửi sang cơ quan."),
    "sending": _("Đang gửi sang cơ quan."),
    "accepted": _("Cơ quan đã tiếp nhận, đang giải quyết."),
    "done": _("Đã có kết quả."),
    "rejected": _("Cơ quan chưa giải quyết được; cán bộ UBND sẽ xử lý và liên hệ Anh/Chị."),
    "dead": _("Chưa gửi được sang cơ quan; cán bộ UBND đang xử lý."),
}

# The card's look by step state: its class and the icon beside the words.
CARD_LOOK = {
    "done": ("done", "✓"),
    "accepted": ("working", "↻"),
    "sending": ("working", "↻"),
    "pending": ("working", "↻"),
    "waiting": ("waiting", "…"),
    "rejected": ("attention", "⚠"),
    "dead": ("attention", "⚠"),
}


def _step_plain(bundle: Bundle, step, steps) -> str:
    """Where the step is, in words: for a waiting step, who it is really waiting for."""
    if step.state != "waiting":
        return PLAIN.get(step.state, "")
    if bundle.state == "registered" and personal_id_missing(steps):
        return WAITING_FOR_PERSONAL_ID
    return WAITING_FOR.get(bundle.state, PLAIN["waiting"])


STATE_PLAIN = {
    "draft": _("Hồ sơ chưa nộp; Anh/Chị có thể tiếp tục khai."),
    "submitted": _("Đã nộp, đang chờ cán bộ UBND xã, phường tiếp nhận."),
    "in_review": _("Cán bộ UBND đang kiểm tra hồ sơ."),
    "awaiting_citizen": (
        _("Cần Anh/Chị trả lời: cán bộ đề nghị bổ sung, hồ sơ tạm dừng cho đến khi Anh/Chị gửi bổ sung.")
    ),
    "registered": _("Đã đăng ký vào sổ; đang chờ các cơ quan và lãnh đạo ký trích lục."),
    "signed": _("Trích lục đã ký số; đang chờ các cơ quan còn lại trả kết quả."),
    "completed": _("Tất cả thủ tục đã có kết quả."),
    "partially_completed": _("Một số thủ tục đã có kết quả; thủ tục còn lại cán bộ sẽ hướng dẫn Anh/Chị."),
    "rejected": _("Hồ sơ bị từ chối; xem lý do bên dưới."),
    "withdrawn": _("Anh/Chị đã rút hồ sơ."),
}

# The bundle's history as a family reads it; internal events (leases, retries) are left out.
TIMELINE_LABELS = {
    "bundle.counter_assisted": _("Cán bộ {clerk} hỗ trợ Anh/Chị khai hồ sơ tại bộ phận một cửa"),
    "bundle.proactive_draft": _("Hồ sơ được chuẩn bị sẵn từ giấy chứng sinh điện tử của cơ sở y tế"),
    "bundle.submit": _("Anh/Chị đã nộp hồ sơ"),
    "bundle.accept": _("UBND xã, phường tiếp nhận hồ sơ"),
    "bundle.request_supplement": _("Cán bộ đề nghị bổ sung hồ sơ"),
    "bundle.resubmit": _("Anh/Chị đã gửi bổ sung"),
    "bundle.register": _("Đã đăng ký vào sổ hộ tịch"),
    "bundle.issue_without_personal_id": _("Trích lục được cấp trước khi có số định danh"),
    "bundle.sign": _("Lãnh đạo UBND đã ký số trích lục"),
    "bundle.complete": _("Tất cả thủ tục đã hoàn thành"),
    "bundle.close_partially": _("Hồ sơ kết thúc, một số thủ tục chưa có kết quả"),
    "bundle.reject": _("Hồ sơ bị từ chối"),
    "bundle.withdraw": _("Anh/Chị đã rút hồ sơ"),
    "step.accepted": _("{procedure}: cơ quan đã tiếp nhận"),
    "step.done": _("{procedure}: đã có kết quả"),
    "step.rejected": _("{procedure}: cơ quan chưa giải quyết được"),
}


def _timeline(bundle: Bundle) -> list[tuple]:
    return [
        (
            event.occurred_at,
            str(TIMELINE_LABELS[event.action]).format(
                procedure=PROCEDURE_LABELS.get(event.data.get("procedure", ""), ""),
                clerk=event.data.get("clerk", ""),
            ),
        )
        for event in selectors.bundle_timeline(bundle, actions=TIMELINE_LABELS)
    ]


def own_bundle(request, key) -> Bundle:
    """The signed-in citizen's bundle named in the URL; anyone else's does not exist for them."""
    if request.user.role != Role.CITIZEN:
        raise Http404
    try:
        return selectors.bundle_get(user=request.user, key=str(key))
    except Bundle.DoesNotExist:
        raise Http404 from None


def _context(bundle: Bundle) -> dict:
    now = timezone.now()
    all_steps = list(bundle.steps.all())
    steps = [
        {
            "step": s,
            "plain": _step_plain(bundle, s, all_steps),
            "look": CARD_LOOK.get(s.state, ("waiting", "…")),
            "overdue": bool(s.deadline and s.state != "done" and s.deadline < now),
            "result": result_rows(s.result) if s.state == "done" else [],
        }
        for s in all_steps
    ]
    supplement = next(
        (s for s in bundle.supplements.all() if s.answered_at is None and s.expired_at is None), None
    )
    return {
        "bundle": bundle,
        "state_note": STATE_PLAIN.get(bundle.state, ""),
        "timeline": _timeline(bundle),
        "steps": steps,
        "supplement": supplement,
        "supplement_items": [
            {"what": supplement_item_label(item), "reason": item.get("reason", "")}
            for item in (supplement.items if supplement else [])
        ],
        "now": now,
        "all_steps": all_steps,
        "extract": Extract.objects.filter(bundle=bundle, superseded_at__isnull=True).first(),
    }


@login_required(login_url="accounts:citizen-login")
def my_bundles(request):
    if request.user.role != Role.CITIZEN:
        raise Http404
    bundles = list(
        selectors.bundles_for(request.user)
        .select_related("ward", "death")
        .prefetch_related("steps")
        .order_by("-created_at")[:100]
    )
    for bundle in bundles:  # whose move it is, said on the list as on the status page
        bundle.waiting_for = bundle_waiting_for(bundle, list(bundle.steps.all()))
    # A code sent while the citizen stands at a ward's counter, shown here as the e-ID app would.
    codes = counter_codes_waiting(citizen=request.user)
    return render(request, "web/my_bundles.html", {"bundles": bundles, "counter_codes": codes})


def _etag(version: str, extract_pk: int | None) -> str:
    return hashlib.sha256(f"{version}:{extract_pk}:{get_language()}".encode()).hexdigest()[:32]


def status_etag(request, key) -> str:
    """The status page's version for its conditional poll: two small queries, no rendering."""
    if request.user.role != Role.CITIZEN:
        raise Http404
    version = selectors.bundle_version(user=request.user, key=str(key), now=timezone.now())
    if version is None:
        raise Http404
    extract = (
        Extract.objects.filter(bundle__public_id=key, superseded_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )
    return _etag(version, extract)


@login_required(login_url="accounts:citizen-login")
def status(request, key):
    context = _context(own_bundle(request, key))
    version = selectors.bundle_version_of(context["bundle"], context["all_steps"], now=context["now"])
    context["etag"] = _etag(version, context["extract"].pk if context["extract"] else None)
    return render(request, "web/status.html", context)


@login_required(login_url="accounts:citizen-login")
@condition(etag_func=status_etag)
def status_fragment(request, key):
    """The part of the status page that the open page asks for every 1.5 seconds; while nothing
    changed it is answered 304 from the version alone."""
    response = render(request, "web/status_steps.html", _context(own_bundle(request, key)))
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required(login_url="accounts:citizen-login")
def personal_data(request):
    if request.user.role != Role.CITIZEN:
        raise Http404
    data = personal_data_of(request.user)
    data["account"]["id_number"] = mask_personal_id(data["account"]["id_number"])
    for bundle in data["bundles"]:
        bundle["sections"] = declaration_sections(bundle["declaration"], mask_ids=True)
    return render(request, "web/personal_data.html", {"data": data})


@login_required(login_url="accounts:citizen-login")
def personal_data_download(request):
    """The same data as a JSON file the citizen keeps; recorded in their own audit stream."""
    if request.user.role != Role.CITIZEN:
        raise Http404
    data = personal_data_of(request.user)
    audit_record(
        stream=user_stream(request.user.pk),
        action="personal_data.export",
        actor=request.user,
        object_type="user",
        object_id=request.user.pk,
    )
    body = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="du-lieu-ca-nhan.json"'
    response["Cache-Control"] = "private, no-store"
    return response
