"""Filing a bundle from a phone: privacy notice and procedures, one topic per page with the draft saved
as the citizen types, attachments uploaded one by one, a review of what each agency will receive, then
the receipt. Answering a supplement request reuses the same fields, opening only those requested."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.constants import Role
from portal.accounts.services import privacy_notice_accept
from portal.common.identifiers import mask_personal_id
from portal.divisions.selectors import ward_label
from registrations import rules, selectors, services
from registrations.certificates import KINDS, certificate_check, certificate_prefill
from registrations.constants import (
    AttachmentKind,
    BundleState,
    CertificateStatus,
    Group,
)
from registrations.declaration import declaration_of
from registrations.exceptions import NotPermitted, TransitionRefused, ValidationFailed
from registrations.models import Bundle
from registrations.uploads import LimitedUploadHandler, PayloadTooLarge

from . import filing_form as form
from .citizen import own_bundle
from .labels import procedure_sections

CITIZEN_LOGIN = "accounts:citizen-login"
GROUP_SLUGS = {"khai-sinh": Group.BIRTH, "khai-tu": Group.DEATH}
SAVED_AUTOMATICALLY = "Đã tự động lưu bản nháp lúc {time}."


def _citizen(request) -> None:
    if request.user.role != Role.CITIZEN:
        raise Http404


def _filer(request, key, *, drafts_only: bool = True) -> Bundle:
    """The bundle being filed: the citizen's own, or the one a clerk is filling in with a citizen at
    the counter (while it is a draft; afterwards only its receipt)."""
    if request.user.role == Role.WARD_CLERK:
        found = selectors.bundles_for(request.user).filter(assisted_by=request.user, public_id=key)
        if drafts_only:
            found = found.filter(state=BundleState.DRAFT)
        bundle = found.first()
        if bundle is None:
            raise Http404
        return bundle
    _citizen(request)
    return own_bundle(request, key)


def _catalogue(group: str):
    return selectors.catalogue_on(day=timezone.localdate(), group=group)


def _procedures(group: str, chosen: list[str]) -> list:
    """Every procedure the bundle will hold (the registration and what it brings, plus the chosen)."""
    catalogue = _catalogue(group)
    codes = rules.full_procedure_list([c for c in chosen if c in catalogue.procedures], catalogue)
    return [catalogue.procedures[code] for code in codes]


def _required_paths(group: str, chosen: list[str]) -> set[str]:
    return {path for procedure in _procedures(group, chosen) for path in procedure.required_fields}


def _procedure_choices(group: str, chosen: list[str]) -> list[dict]:
    """The optional procedures of the catalogue in force, with who may have them, before any typing."""
    catalogue = _catalogue(group)
    # Age limits come from the catalogue (a decree may change them); the rest explains each service.
    notes = {
        "health_insurance": "Chỉ cấp thẻ lần đầu.",
        "child_id_card": "Không cần ảnh, vân tay.",
        "permanent_residence": "Không áp dụng khi đăng ký vào hộ tập thể.",
        "residence_removal": "Xoá đăng ký thường trú của người đã mất.",
        "funeral_allowance": "Bảo hiểm xã hội chi trả cho người tham gia, hưởng bảo hiểm xã hội; "
        "Lao động - Thương binh và Xã hội cho đối tượng bảo trợ xã hội, người có công. "
        "Có thể kèm trợ cấp tuất.",
    }
    return [
        {
            "code": code,
            "name": procedure.name,
            "note": " ".join(
                part
                for part in (
                    f"Chỉ cho trẻ dưới {procedure.max_child_age_years} tuổi."
                    if procedure.max_child_age_years
                    else "",
                    notes.get(code, ""),
                )
                if part
            ),
            "limit": procedure.time_limit_days,
            "checked": code in chosen,
        }
        for code, procedure in catalogue.procedures.items()
        if procedure.optional
    ]


def _rows(fields, *, values: dict, errors: dict, required: set[str], posted=None) -> list[dict]:
    """What the template needs for each field: the value to show (as typed after a failed post, as
    stored otherwise), its messages, and whether a chosen procedure requires it."""
    rows = []
    for f in fields:
        if posted is not None:
            value = posted.get(f.path, "")
            text = posted.get(f"{f.path}__text", "")
        else:
            stored = form.value_at(values, f.path)
            value = form.shown_value(stored, f.kind)
            text = ward_label(stored) if f.kind == "ward" and stored else ""
        rows.append(
            {
                "field": f,
                "value": value,
                "text": text,
                "errors": errors.get(f.path, []),
                "required": f.path in required,
            }
        )
    return rows


def _navigation(bundle: Bundle) -> list[dict]:
    pages = form.pages_for(bundle.group, bundle.procedures)
    links = [
        {"slug": p.slug, "title": p.title, "url": reverse("web:filing-page", args=[bundle.public_id, p.slug])}
        for p in pages
    ]
    links.append(
        {
            "slug": form.ATTACHMENTS_SLUG,
            "title": "Giấy tờ đính kèm",
            "url": reverse("web:filing-attachments", args=[bundle.public_id]),
        }
    )
    links.append(
        {
            "slug": "xem-lai",
            "title": "Xem lại và nộp",
            "url": reverse("web:filing-review", args=[bundle.public_id]),
        }
    )
    return links


def _neighbours(nav: list[dict], slug: str) -> tuple[dict | None, dict | None]:
    index = next(i for i, link in enumerate(nav) if link["slug"] == slug)
    return (nav[index - 1] if index else None), (nav[index + 1] if index + 1 < len(nav) else None)


def draft_page(view):
    """A page of the filing form: the signed-in citizen's own draft, passed to the view; a bundle
    already submitted goes to its status page instead (the form no longer applies)."""

    @wraps(view)
    @login_required(login_url=CITIZEN_LOGIN)
    def wrapper(request, key, *args, **kwargs):
        bundle = _filer(request, key, drafts_only=False)
        if bundle.state != BundleState.DRAFT:
            return redirect("web:status", key=bundle.public_id)
        return view(request, bundle, *args, **kwargs)

    return wrapper


def _wants_json(request) -> bool:
    return (
        request.headers.get("X-Autosave") == "1"
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def _save(request, bundle: Bundle, fields, page: form.Page | None) -> dict[str, list[str]]:
    """Save what is valid of the posted page; return the messages of what is not."""
    data, errors = form.parse(request.POST, fields, page=page)
    if page is form.PROCEDURES_PAGE:
        optional = set(_catalogue(bundle.group).optional_codes())
        data["procedures"] = [c for c in request.POST.getlist("procedures") if c in optional]
        if not data["procedures"]:
            errors["procedures"] = ["Chọn ít nhất một thủ tục đi kèm."]
    prefilled = (
        page is not None and page.slug == "nguoi-yeu-cau" and _prefill_parent(bundle, request.user, data)
    )
    validated, invalid = form.validate_keeping_valid(data, group=bundle.group)
    for path, found in invalid.items():
        if prefilled and path.startswith(f"{prefilled}."):
            continue  # a convenience only: what the account cannot fill, the citizen types on that page
        errors.setdefault(path, []).extend(found)
    if validated:
        services.bundle_update_draft(bundle=bundle, actor=request.user, data=validated)
    return errors


def _prefill_parent(bundle: Bundle, user, data: dict) -> str:
    """A mother or father filing for their child declares themself as that parent: fill the parent's
    identity from the e-ID account when that part of the form is still empty."""
    role = (data.get("requester") or {}).get("relationship")
    if bundle.group != Group.BIRTH or role not in ("mother", "father"):
        return ""
    if form.value_at(declaration_of(bundle), f"{role}.full_name"):
        return ""
    data[role] = {
        "full_name": user.full_name,
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else None,
        "id_number": user.id_number or None,
        "sex": user.sex or None,
        "nationality": "VN",
    }
    return role


# --- starting ----------------------------------------------------------------------------------


@login_required(login_url=CITIZEN_LOGIN)
@require_http_methods(["GET", "POST"])
def start(request, group_slug: str):
    _citizen(request)
    group = GROUP_SLUGS.get(group_slug)
    if group is None:
        raise Http404
    chosen = request.POST.getlist("procedures") if request.method == "POST" else []
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        optional = set(_catalogue(group).optional_codes())
        chosen = [c for c in chosen if c in optional]
        if not chosen:
            errors["procedures"] = ["Chọn ít nhất một thủ tục đi kèm."]
        if request.POST.get("privacy") != "on":
            errors["privacy"] = ["Vui lòng đọc và đồng ý với thông báo xử lý dữ liệu cá nhân để nộp hồ sơ."]
        if not errors:
            with transaction.atomic():
                privacy_notice_accept(user=request.user, purpose=f"filing:{group}")
                bundle = services.bundle_create_draft(
                    owner=request.user, data={"group": group, "procedures": chosen}
                )
            return redirect("web:filing-page", key=bundle.public_id, slug="thu-tuc")
    return render(
        request,
        "web/filing_start.html",
        {
            "group": group,
            "group_slug": group_slug,
            "procedures": _procedure_choices(group, chosen),
            "errors": errors,
            "retention": settings.RETENTION_DAYS,
            "notice_version": settings.PRIVACY_NOTICE_VERSION,
        },
    )


# --- the pages ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@draft_page
def page(request, bundle: Bundle, slug: str):
    key = bundle.public_id
    current = form.page_by_slug(bundle.group, slug)
    if current is None:
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        errors = _save(request, bundle, current.fields, current)
        if _wants_json(request):
            return _autosave_answer(errors)
        if not errors and request.POST.get("kiem-tra-giay") and slug in CERTIFICATE_PAGES:
            errors = _check_certificate(request, _filer(request, key))
            if not errors:
                return redirect("web:filing-page", key=key, slug=slug)
        elif not errors:
            nav = _navigation(_filer(request, key))
            previous, following = _neighbours(nav, slug)
            target = previous if request.POST.get("go") == "back" else following
            return redirect(target["url"] if target else "web:my-bundles")
        bundle = _filer(request, key)
    nav = _navigation(bundle)
    previous, following = _neighbours(nav, slug)
    declaration = declaration_of(bundle)
    return render(
        request,
        "web/filing_page.html",
        {
            "bundle": bundle,
            "page": current,
            "nav": nav,
            "position": next(i for i, link in enumerate(nav, start=1) if link["slug"] == slug),
            "previous": previous,
            "rows": _rows(
                current.fields,
                values=declaration,
                errors=errors,
                required=_required_paths(bundle.group, bundle.procedures),
                posted=request.POST if errors else None,
            ),
            "errors": errors,
            "procedures": _procedure_choices(bundle.group, bundle.procedures) if slug == "thu-tuc" else None,
            "identity": _identity(bundle.owner) if slug == "nguoi-yeu-cau" else None,
            "certificate_lookup": CERTIFICATE_PAGES.get(slug),
        },
        status=400 if errors else 200,
    )


# The page where the number of the medical birth certificate / death notice is typed, and its button.
CERTIFICATE_PAGES = {
    "tre": _("Kiểm tra và điền từ giấy chứng sinh điện tử"),
    "giay-bao-tu": _("Kiểm tra giấy báo tử điện tử"),
}


def _check_certificate(request, bundle: Bundle) -> dict[str, list[str]]:
    """Compare the typed number with what the facility sent. Verified: fill what the certificate
    says into the parts still empty, and say the scan is not needed. A mismatch is shown next to the
    number; a number not (yet) received asks for the scan."""
    declaration = declaration_of(bundle)
    check = certificate_check(group=bundle.group, declaration=declaration)
    if check.status == CertificateStatus.MISMATCH:
        return {check.number_field: [check.message()]}
    if check.verified:
        empty = {
            section: {
                k: v
                for k, v in values.items()
                if v not in (None, "") and not form.value_at(declaration, f"{section}.{k}")
            }
            for section, values in certificate_prefill(check.certificate).items()
        }
        validated, _invalid = form.validate_keeping_valid(
            {k: v for k, v in empty.items() if v}, group=bundle.group
        )
        if validated:
            services.bundle_update_draft(bundle=bundle, actor=request.user, data=validated)
        messages.success(request, check.message())
    elif check.message():
        messages.info(request, check.message())
    return {}


def _identity(user) -> list[tuple[str, str]]:
    return [
        ("Họ, chữ đệm, tên", user.full_name),
        ("Ngày sinh", f"{user.date_of_birth:%d/%m/%Y}" if user.date_of_birth else "—"),
        ("Số định danh cá nhân", mask_personal_id(user.id_number)),
    ]


def _autosave_answer(errors: dict[str, list[str]]) -> JsonResponse:
    saved = timezone.localtime().strftime("%H:%M")
    return JsonResponse(
        {
            "saved_at": saved,
            "message": SAVED_AUTOMATICALLY.format(time=saved),
            "errors": {path: " ".join(found) for path, found in errors.items()},
        }
    )


# --- attachments -------------------------------------------------------------------------------


def _attachment_rows(bundle: Bundle, kinds, required: set[str]) -> list[dict]:
    stored = list(bundle.attachments.all())
    labels = dict(AttachmentKind.choices)
    return [
        {
            "kind": kind,
            "label": labels[kind],
            "required": kind in required,
            "files": [a for a in stored if a.kind == kind],
        }
        for kind in kinds
    ]


def _required_attachments(bundle: Bundle) -> set[str]:
    """The scans the chosen procedures need, less the one a verified electronic certificate replaces."""
    required = {kind for p in _procedures(bundle.group, bundle.procedures) for kind in p.required_attachments}
    check = certificate_check(group=bundle.group, declaration=declaration_of(bundle))
    if check.verified:
        required.discard(KINDS[check.kind].scan_kind)
    return required


@draft_page
def attachments(request, bundle: Bundle):
    nav = _navigation(bundle)
    previous, following = _neighbours(nav, form.ATTACHMENTS_SLUG)
    return render(
        request,
        "web/filing_attachments.html",
        {
            "bundle": bundle,
            "nav": nav,
            "position": len(nav) - 1,
            "previous": previous,
            "following": following,
            "kinds": _attachment_rows(
                bundle, form.ATTACHMENT_KINDS[bundle.group], _required_attachments(bundle)
            ),
            "max_bytes": settings.ATTACHMENT_MAX_BYTES,
            "max_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        },
    )


def _upload_answer(request, bundle: Bundle, *, error: str | None, attachment=None, status_code=400, back=""):
    done = (
        "" if error else f"Đã tải lên {attachment.get_kind_display().lower()} ({attachment.size // 1024} KB)."
    )
    if _wants_json(request):
        if error:
            return JsonResponse({"errors": {"file": error}}, status=status_code)
        return JsonResponse({"message": done, "kind": attachment.kind, "size": attachment.size}, status=201)
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
    bundle = _filer(request, key)
    limit = settings.ATTACHMENT_MAX_BYTES
    too_big = f"Tệp vượt quá dung lượng cho phép (tối đa {limit // (1024 * 1024)} MB)."
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + 64 * 1024:
        return _upload_answer(request, bundle, error=too_big, status_code=413)
    request.upload_handlers = [LimitedUploadHandler(limit), *request.upload_handlers]
    try:
        return _upload_checked(request, bundle)
    except (PayloadTooLarge, RequestDataTooBig):
        return _upload_answer(request, bundle, error=too_big, status_code=413)


@csrf_protect
def _upload_checked(request, bundle: Bundle):
    kind, upload_file, back = (
        request.POST.get("kind", ""),
        request.FILES.get("file"),
        request.POST.get("back", ""),
    )
    if kind not in AttachmentKind.values:
        return _upload_answer(request, bundle, error="Loại giấy tờ không hợp lệ.", back=back)
    if upload_file is None or not upload_file.size:
        return _upload_answer(request, bundle, error="Vui lòng chọn tệp cần tải lên.", back=back)
    try:
        attachment = services.attachment_add(bundle=bundle, actor=request.user, kind=kind, upload=upload_file)
    except ValidationFailed as exc:
        error = " ".join(m for found in exc.errors.values() for m in found)
        return _upload_answer(request, bundle, error=error, back=back)
    except (TransitionRefused, NotPermitted) as exc:
        return _upload_answer(request, bundle, error=str(exc), status_code=409, back=back)
    return _upload_answer(request, bundle, error=None, attachment=attachment, back=back)


# --- review, submission and receipt ------------------------------------------------------------


def _problem_links(bundle: Bundle, errors: dict[str, list[str]]) -> list[dict]:
    """Each blocking problem with a link to the page and field where it is fixed."""
    out = []
    for path, found in errors.items():
        if path.startswith("attachments."):
            url = reverse("web:filing-attachments", args=[bundle.public_id])
            label = dict(AttachmentKind.choices).get(path.split(".", 1)[1], path)
        else:
            target = form.page_of_path(bundle.group, path) or form.PROCEDURES_PAGE
            url = reverse("web:filing-page", args=[bundle.public_id, target.slug])
            field = next((f for f in target.fields if f.path == path), None)
            if field is not None:
                url += f"#{field.html_id}"
            label = f"{target.title} — {field.shown_label}" if field else str(target.title)
        out.append({"label": label, "url": url, "messages": found})
    return out


@require_http_methods(["GET", "POST"])
@draft_page
def review(request, bundle: Bundle):
    key = bundle.public_id
    confirm_error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "on":
            confirm_error = "Vui lòng xác nhận lời cam đoan trước khi nộp."
        else:
            try:
                services.bundle_submit(bundle=bundle, actor=request.user)
            except ValidationFailed:
                pass  # shown below, from the same rules
            except TransitionRefused:
                return redirect("web:status", key=bundle.public_id)
            else:
                return redirect("web:receipt", key=bundle.public_id)
        bundle = _filer(request, key)
    problems = services.bundle_submission_errors(bundle=bundle)
    nav = _navigation(bundle)
    return render(
        request,
        "web/filing_review.html",
        {
            "bundle": bundle,
            "nav": nav,
            "position": len(nav),
            "previous": nav[-2],
            "problems": _problem_links(bundle, problems),
            "by_procedure": procedure_sections(
                declaration_of(bundle), [(p.code, p) for p in _procedures(bundle.group, bundle.procedures)]
            ),
            "attachments": bundle.attachments.all(),
            "confirm_error": confirm_error,
        },
        status=400 if (problems or confirm_error) and request.method == "POST" else 200,
    )


@login_required(login_url=CITIZEN_LOGIN)
def receipt(request, key):
    bundle = _filer(request, key, drafts_only=False)
    if not bundle.code:
        return redirect("web:filing-review", key=bundle.public_id)
    return render(request, "web/receipt.html", {"bundle": bundle, "steps": bundle.steps.all()})


# --- answering a supplement request ------------------------------------------------------------


@login_required(login_url=CITIZEN_LOGIN)
@require_http_methods(["GET", "POST"])
def supplement(request, key):
    _citizen(request)
    bundle = own_bundle(request, key)
    request_row = next(
        (s for s in bundle.supplements.all() if s.answered_at is None and s.expired_at is None), None
    )
    if bundle.state != BundleState.AWAITING_CITIZEN or request_row is None:
        return redirect("web:status", key=bundle.public_id)
    paths = rules.supplement_fields_allowed(request_row.items)
    fields = form.fields_under(bundle.group, paths)
    kinds = [item["attachment"] for item in request_row.items if item.get("attachment")]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = form.parse(request.POST, fields)
        validated, invalid = form.validate_keeping_valid(data, group=bundle.group)
        for path, found in invalid.items():
            errors.setdefault(path, []).extend(found)
        if not errors:
            try:
                services.bundle_resubmit(bundle=bundle, actor=request.user, data=validated)
            except ValidationFailed as exc:
                errors = exc.errors
            except TransitionRefused:
                return redirect("web:status", key=bundle.public_id)
            else:
                messages.success(request, "Đã gửi phần bổ sung; hồ sơ đã chuyển lại cho cán bộ UBND.")
                return redirect("web:status", key=bundle.public_id)
        bundle = own_bundle(request, key)
    return render(
        request,
        "web/supplement.html",
        {
            "bundle": bundle,
            "request_row": request_row,
            "rows": _rows(
                fields,
                values=declaration_of(bundle),
                errors=errors,
                required=set(),
                posted=request.POST if errors else None,
            ),
            "other_errors": _problem_links(
                bundle, {p: m for p, m in errors.items() if p not in {f.path for f in fields}}
            ),
            "kinds": _attachment_rows(bundle, kinds, set(kinds)),
            "max_bytes": settings.ATTACHMENT_MAX_BYTES,
            "max_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
