"""The scans: one per request, stopped at the size limit while it streams in."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from registrations import services
from registrations.constants import AttachmentKind
from registrations.declaration import declaration_of
from registrations.exceptions import AttachmentKept, NotPermitted, TransitionRefused, ValidationFailed
from registrations.facilities.checks import KINDS, certificate_check
from registrations.models import Attachment, Bundle
from registrations.uploads import UPLOAD_REFUSALS, limit_upload, upload_refusal

from . import form
from .common import (
    CITIZEN_LOGIN,
    attachment_rows,
    draft_page,
    filer,
    navigation,
    neighbours,
    procedures_of,
    upload_limits,
    uploaded_row,
    wants_json,
)


def _required_attachments(bundle: Bundle) -> set[str]:
    """The scans the chosen procedures need, less the one a verified electronic certificate replaces."""
    required = {
        kind for p in procedures_of(bundle.group, bundle.procedures) for kind in p.required_attachments
    }
    check = certificate_check(group=bundle.group, declaration=declaration_of(bundle))
    if check.verified:
        required.discard(KINDS[check.kind].scan_kind)
    return required


@draft_page
def attachments(request, bundle: Bundle):
    nav = navigation(bundle)
    previous, following = neighbours(nav, form.ATTACHMENTS_SLUG)
    return render(
        request,
        "web/filing_attachments.html",
        {
            "bundle": bundle,
            "nav": nav,
            "position": len(nav) - 1,
            "previous": previous,
            "following": following,
            "kinds": attachment_rows(
                bundle, form.ATTACHMENT_KINDS[bundle.group], _required_attachments(bundle)
            ),
            **upload_limits(),
        },
    )


def _upload_answer(
    request, bundle: Bundle, *, error: str | None, attachment=None, done="", status_code=400, back=""
):
    if attachment is not None:
        done = gettext("Đã tải lên %(kind)s (%(size)d KB).") % {
            "kind": attachment.get_kind_display().lower(),
            "size": attachment.size // 1024,
        }
    if wants_json(request):
        if error:
            return JsonResponse({"errors": {"file": error}}, status=status_code)
        if attachment is None:
            return JsonResponse({"message": done})
        row = render_to_string(
            "web/_uploaded_file.html",
            {
                "bundle": bundle,
                "back": back,
                "row": uploaded_row(attachment, after=services.attachments_removable_after(bundle)),
            },
            request=request,
        )
        return JsonResponse(
            {"message": done, "kind": attachment.kind, "size": attachment.size, "row": row}, status=201
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    if back == "bo-sung":
        return redirect("web:supplement", key=bundle.public_id)
    return redirect("web:filing-attachments", key=bundle.public_id)


@csrf_exempt  # checked in _upload_checked, once the size limit is in place: the check reads the body
@login_required(login_url=CITIZEN_LOGIN)
@require_POST
def upload(request, key):
    """One scan per request, stopped at the size limit while it streams in. Answers JSON to the page's
    script (which shows progress) and redirects back when the browser posted the form itself."""
    bundle = filer(request, key)
    limit = settings.ATTACHMENT_MAX_BYTES
    try:
        limit_upload(request, limit=limit)
        return _upload_checked(request, bundle)
    except UPLOAD_REFUSALS as exc:
        message, status_code = upload_refusal(exc, limit=limit)
        return _upload_answer(request, bundle, error=message, status_code=status_code)


@csrf_protect
def _upload_checked(request, bundle: Bundle):
    kind, upload_file, back = (
        request.POST.get("kind", ""),
        request.FILES.get("file"),
        request.POST.get("back", ""),
    )
    if kind not in AttachmentKind.values:
        return _upload_answer(request, bundle, error=gettext("Loại giấy tờ không hợp lệ."), back=back)
    if upload_file is None or not upload_file.size:
        return _upload_answer(request, bundle, error=gettext("Vui lòng chọn tệp cần tải lên."), back=back)
    try:
        attachment = services.attachment_add(bundle=bundle, actor=request.user, kind=kind, upload=upload_file)
    except ValidationFailed as exc:
        error = " ".join(m for found in exc.errors.values() for m in found)
        return _upload_answer(request, bundle, error=error, back=back)
    except (TransitionRefused, NotPermitted) as exc:
        return _upload_answer(request, bundle, error=str(exc), status_code=409, back=back)
    return _upload_answer(request, bundle, error=None, attachment=attachment, back=back)


@login_required(login_url=CITIZEN_LOGIN)
@require_POST
def remove_attachment(request, key, attachment_id):
    """Take back a scan uploaded by mistake; the page asks for confirmation first."""
    bundle = filer(request, key)
    back = request.POST.get("back", "")
    try:
        services.attachment_remove(bundle=bundle, actor=request.user, attachment_id=str(attachment_id))
    except Attachment.DoesNotExist:
        return _upload_answer(
            request, bundle, error=gettext("Không tìm thấy tệp này."), status_code=404, back=back
        )
    except (AttachmentKept, NotPermitted, TransitionRefused) as exc:
        return _upload_answer(request, bundle, error=str(exc), status_code=409, back=back)
    return _upload_answer(request, bundle, error=None, done=gettext("Đã xoá tệp."), back=back)
