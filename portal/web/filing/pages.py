"""Starting a bundle (the privacy notice and the procedures) and its pages, one topic each, saved as
the citizen types."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portal.common.identifiers import mask_personal_id
from portal.common.text import Vietnamese
from registrations import services
from registrations.constants import CertificateStatus
from registrations.declaration import declaration_of
from registrations.exceptions import ValidationFailed
from registrations.models import Bundle

from ..retention import period_shown
from . import form
from .common import (
    CITIZEN_LOGIN,
    GROUP_SLUGS,
    SAVED_AUTOMATICALLY,
    citizen_only,
    draft_page,
    error_links,
    field_rows,
    filer,
    missing_on_page,
    navigation,
    neighbours,
    procedure_choices,
    required_paths,
    wants_json,
)


def _save(request, bundle: Bundle, fields, page: form.Page | None) -> dict[str, list[str]]:
    """Save what is valid of the posted page; return the messages of what is not. The rules (the
    procedures chosen, the parent filled from the e-ID account) are the services', as for the API."""
    data, errors = form.parse(request.POST, fields, page=page)
    if page is form.PROCEDURES_PAGE:
        data["procedures"] = request.POST.getlist("procedures")
    validated, invalid = form.validate_keeping_valid(data, group=bundle.group)
    for path, found in invalid.items():
        errors.setdefault(path, []).extend(found)
    if validated:
        try:
            services.bundle_update_draft(bundle=bundle, actor=request.user, data=validated)
        except ValidationFailed as exc:
            for path, found in exc.errors.items():
                errors.setdefault(path, []).extend(found)
    return errors


@login_required(login_url=CITIZEN_LOGIN)
@require_http_methods(["GET", "POST"])
def start(request, group_slug: str):
    citizen_only(request)
    group = GROUP_SLUGS.get(group_slug)
    if group is None:
        raise Http404
    chosen = request.POST.getlist("procedures") if request.method == "POST" else []
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            bundle = services.bundle_start(
                owner=request.user,
                data={"group": group, "procedures": chosen},
                privacy_notice_accepted=request.POST.get("privacy") == "on",
            )
        except ValidationFailed as exc:
            errors = {("privacy" if k == "privacy_notice_accepted" else k): v for k, v in exc.errors.items()}
        else:
            return redirect("web:filing-page", key=bundle.public_id, slug="thu-tuc")
    return render(
        request,
        "web/filing_start.html",
        {
            "group": group,
            "group_slug": group_slug,
            "procedures": procedure_choices(group, chosen),
            "errors": errors,
            "retention": {kind: period_shown(days) for kind, days in settings.RETENTION_DAYS.items()},
            "notice_version": settings.PRIVACY_NOTICE_VERSION,
        },
    )


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
        if wants_json(request):
            return _autosave_answer(errors)
        if not errors and request.POST.get("kiem-tra-giay") and slug in CERTIFICATE_PAGES:
            errors = _check_certificate(request, filer(request, key))
            if not errors:
                return redirect("web:filing-page", key=key, slug=slug)
        elif not errors:
            bundle = filer(request, key)
            going = request.POST.get("go")
            # Going on with a required field empty is said here, on this page; the draft is saved
            # all the same, and "later" goes on anyway (a citizen may not have the paper at hand).
            missing = {} if going in ("back", "later") else missing_on_page(bundle, current)
            if not missing:
                nav = navigation(bundle)
                previous, following = neighbours(nav, slug)
                target = previous if going == "back" else following
                return redirect(target["url"] if target else "web:my-bundles")
            return _render(request, bundle, current, missing, posted=None, missing_only=True)
        bundle = filer(request, key)
    return _render(request, bundle, current, errors, posted=request.POST if errors else None)


def _render(request, bundle: Bundle, current, errors: dict, *, posted, missing_only: bool = False):
    slug = current.slug
    nav = navigation(bundle)
    previous, _following = neighbours(nav, slug)
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
            "rows": field_rows(
                current.fields,
                values=declaration,
                errors=errors,
                required=required_paths(bundle.group, bundle.procedures),
                posted=posted,
            ),
            "errors": errors,
            "error_links": error_links(current, errors),
            "missing_only": missing_only,
            "procedures": procedure_choices(bundle.group, bundle.procedures) if slug == "thu-tuc" else None,
            "identity": _identity(bundle.owner) if slug == "nguoi-yeu-cau" else None,
            "certificate_lookup": CERTIFICATE_PAGES.get(slug),
        },
        status=400 if errors and not missing_only else 200,
    )


# The page where the number of the medical birth certificate / death notice is typed, and its button.
CERTIFICATE_PAGES = {
    "tre": _("Kiểm tra và điền từ giấy chứng sinh điện tử"),
    "giay-bao-tu": _("Kiểm tra giấy báo tử điện tử"),
}


def _check_certificate(request, bundle: Bundle) -> dict[str, list[str]]:
    """Compare the typed number with what the facility sent (the service fills what a matching
    certificate says). A mismatch is shown next to the number; a number not (yet) received asks for
    the scan; a verified one says the scan is not needed."""
    check = services.bundle_fill_from_certificate(bundle=bundle, actor=request.user)
    if check.status == CertificateStatus.MISMATCH:
        return {check.number_field: [check.message()]}
    if check.verified:
        messages.success(request, check.message())
    elif check.message():
        messages.info(request, check.message())
    return {}


def _identity(user) -> list[tuple[str, str]]:
    return [
        (gettext("Họ, chữ đệm, tên"), Vietnamese(user.full_name)),
        (gettext("Ngày sinh"), f"{user.date_of_birth:%d/%m/%Y}" if user.date_of_birth else "—"),
        (gettext("Số định danh cá nhân"), mask_personal_id(user.id_number)),
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
