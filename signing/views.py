"""The leader's signing queue (one action, one or many bundles) and the public verification page."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from portal.accounts.constants import Role
from portal.accounts.decorators import back_office_required
from portal.common.peers import client_address
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.uploads import UPLOAD_REFUSALS, limit_upload, upload_refusal

from . import services
from .forms import BatchSignForm, VerifyUploadForm
from .models import Extract, ReissueRequest

REAUTH_KEY = "signing_reauth_at"


def _leader_only(request) -> None:
    if request.user.role != Role.WARD_LEADER:
        raise Http404


def _reauth_fresh(request) -> bool:
    return time.time() - request.session.get(REAUTH_KEY, 0) < settings.SIGNING["reauth_seconds"]


@sensitive_post_parameters("password", "pin", "code")
@back_office_required
@require_http_methods(["GET", "POST"])
def queue(request):
    _leader_only(request)
    waiting = list(bundle_selectors.bundles_awaiting_signature(request.user))
    certificate, certificate_problem = services.key_state(request.user)
    holding = certificate.holding if certificate else ""
    form = BatchSignForm(
        request.POST or None,
        choices=[(str(b.public_id), b.code) for b in waiting],
        reauth_required=not _reauth_fresh(request),
        holding=holding,
    )
    chosen = {str(b.public_id): b for b in waiting}
    selected = [chosen[key] for key in request.POST.getlist("bundles") if key in chosen]
    context = {
        "form": form,
        "waiting": waiting,
        "certificate_problem": certificate_problem,
        "certificate": certificate,
        "holding": holding,
        "selected": {str(b.public_id) for b in selected},
    }
    if request.method == "POST" and request.POST.get("action") == "gui-ma":
        return _code_sent(request, context, certificate, selected)
    if request.method == "POST" and form.is_valid():
        if form.reauth_required and not request.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", gettext("Mật khẩu không đúng."))
        else:
            request.session[REAUTH_KEY] = time.time()
            outcomes = services.bundles_sign_batch(
                bundles=[chosen[key] for key in form.cleaned_data["bundles"]],
                leader=request.user,
                pin=form.cleaned_data.get("pin") or None,
                code=form.cleaned_data.get("code") or None,
            )
            _report(request, outcomes)
            return redirect("signing:queue")
    return _queue_page(request, context)


def _code_sent(request, context: dict, certificate, selected: list):
    """The code is asked of the provider for the bundles ticked; the page then says what it covers."""
    form = context["form"]
    form.errors.clear()
    reissue = request.POST.get("cho") == "cap-lai"
    if not selected and not reissue:
        form.add_error("bundles", gettext("Chọn ít nhất một hồ sơ để ký."))
        return _queue_page(request, context)
    try:
        services.code_send(leader=request.user)
    except services.SigningRefused as exc:
        messages.error(request, str(exc))
    else:
        context["plan"] = None if reissue else services.approval_plan(certificate, selected)
        context["code_sent"] = True
    return _queue_page(request, context)


def _report(request, outcomes) -> None:
    signed = [o for o in outcomes if o.extract]
    if signed:
        messages.success(request, gettext("Đã ký số %(count)d trích lục.") % {"count": len(signed)})
    for failed in (o for o in outcomes if not o.extract and not o.waiting):
        messages.error(
            request,
            gettext("Hồ sơ %(code)s: %(error)s") % {"code": failed.bundle.code, "error": failed.error},
        )
    later = [o.bundle.code for o in outcomes if o.waiting]
    if later:
        messages.info(
            request,
            gettext(
                "Còn %(count)d hồ sơ chờ lần xác nhận tiếp theo (%(codes)s): "
                "chọn lại và bấm “Gửi mã xác thực”."
            )
            % {"count": len(later), "codes": ", ".join(later)},
        )


def _queue_page(request, context: dict):
    context["reissues"] = ReissueRequest.objects.filter(
        done_at__isnull=True, bundle__in=bundle_selectors.bundles_for(request.user)
    ).select_related("bundle")
    try:  # the demo's phone, where the demo provider's codes arrive
        context["demo_phone"] = reverse("mock-phone")
    except NoReverseMatch:
        context["demo_phone"] = ""
    return render(request, "signing/queue.html", context)


@back_office_required
def preview(request, key: str):
    _leader_only(request)
    bundle = get_object_or_404(bundle_selectors.bundles_awaiting_signature(request.user), public_id=key)
    bundle_services.personal_data_viewed(bundle=bundle, actor=request.user, what="extract_preview")
    response = HttpResponse(
        services.extract_preview(bundle=bundle, leader=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="xem-truoc-{bundle.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@sensitive_post_parameters("pin", "code")
@back_office_required
@require_http_methods(["POST"])
def reissue(request, key: str):
    _leader_only(request)
    bundle = get_object_or_404(bundle_selectors.bundles_for(request.user), public_id=key)
    if not request.POST.get("confirm"):
        messages.error(request, gettext("Vui lòng xác nhận trước khi ký cấp lại."))
        return redirect("signing:queue")
    try:
        extract = services.extract_reissue(
            bundle=bundle,
            leader=request.user,
            pin=request.POST.get("pin") or None,
            code=request.POST.get("code") or None,
        )
    except services.SigningRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("Đã ký cấp lại trích lục hồ sơ %(code)s (lần %(version)d).")
            % {"code": bundle.code, "version": extract.version},
        )
    return redirect("signing:queue")


def download(request, token: str):
    """The signed PDF, for the bundle's owner and the staff of its jurisdiction."""
    if not request.user.is_authenticated:
        raise Http404
    extract = get_object_or_404(Extract, token=token, bundle__in=bundle_selectors.bundles_for(request.user))
    bundle_services.personal_data_viewed(bundle=extract.bundle, actor=request.user, what="extract")
    response = FileResponse(
        extract.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{extract.bundle.code}-v{extract.version}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # checked in _verify_checked, once the size limit is in place: the check reads the body
@require_http_methods(["GET", "POST"])
def verify(request, token: str):
    """Public: anyone holding a copy checks it. Shows no personal ID number and no address. The upload
    is stopped at the limit while it streams in: a stranger cannot make the portal read 60 MB."""
    extract = get_object_or_404(Extract.objects.select_related("bundle__ward__province"), token=token)
    limit = settings.ATTACHMENT_MAX_BYTES
    if request.method != "POST":
        return _verify_page(request, extract, VerifyUploadForm(max_bytes=limit))
    try:
        limit_upload(request, limit=limit)
        return _verify_checked(request, extract)
    except UPLOAD_REFUSALS as exc:
        message, status_code = upload_refusal(exc, limit=limit)
        form = VerifyUploadForm(data={}, files={}, max_bytes=limit, refused=message)
        return _verify_page(request, extract, form, status=status_code)


@csrf_protect
def _verify_checked(request, extract: Extract):
    if request.POST.get("kiem-tra") == "ho-ten":
        name_check = services.extract_check_name(
            extract=extract, typed=request.POST.get("ho_ten", ""), address=client_address(request)
        )
        form = VerifyUploadForm(max_bytes=settings.ATTACHMENT_MAX_BYTES)
        return _verify_page(request, extract, form, name_check=name_check, status=200)
    form = VerifyUploadForm(request.POST, request.FILES, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    check = None
    if form.is_valid():
        check = services.extract_check_upload(extract=extract, content=form.cleaned_data["file"].read())
    return _verify_page(request, extract, form, check=check, status=200 if form.is_valid() else 400)


def _verify_page(request, extract: Extract, form: VerifyUploadForm, *, status: int = 200, **answers):
    current = Extract.objects.filter(bundle=extract.bundle, superseded_at__isnull=True).first()
    return render(
        request,
        "signing/verify.html",
        {"extract": extract, "current": current, "form": form, **answers},
        status=status,
    )
