"""Review, submission and receipt, and the answer to a supplement request."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from registrations import rules, services
from registrations.constants import BundleState
from registrations.declaration import declaration_of
from registrations.exceptions import TransitionRefused, ValidationFailed
from registrations.models import Bundle

from ..citizen import own_bundle
from ..labels import review_summary
from . import form
from .common import (
    CITIZEN_LOGIN,
    attachment_rows,
    citizen_only,
    draft_page,
    field_rows,
    filer,
    navigation,
    problem_links,
    procedures_of,
    upload_limits,
)


@require_http_methods(["GET", "POST"])
@draft_page
def review(request, bundle: Bundle):
    key = bundle.public_id
    confirm_error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "on":
            confirm_error = gettext("Vui lòng xác nhận lời cam đoan trước khi nộp.")
        else:
            try:
                services.bundle_submit(bundle=bundle, actor=request.user)
            except ValidationFailed:
                pass  # shown below, from the same rules
            except TransitionRefused:
                return redirect("web:status", key=bundle.public_id)
            else:
                return redirect("web:receipt", key=bundle.public_id)
        bundle = filer(request, key)
    problems = services.bundle_submission_errors(bundle=bundle)
    nav = navigation(bundle)
    return render(
        request,
        "web/filing_review.html",
        {
            "bundle": bundle,
            "nav": nav,
            "position": len(nav),
            "previous": nav[-2],
            "problems": problem_links(bundle, problems),
            **_summary(bundle),
            "attachments": bundle.attachments.all(),
            "confirm_error": confirm_error,
        },
        status=400 if (problems or confirm_error) and request.method == "POST" else 200,
    )


def _summary(bundle: Bundle) -> dict:
    """What was declared, each part once with a link to the page where it is changed."""
    summary = review_summary(
        declaration_of(bundle), [(p.code, p) for p in procedures_of(bundle.group, bundle.procedures)]
    )
    sections = []
    for key, title, rows in summary["sections"]:
        page = form.page_of_path(bundle.group, rows[0][0]) or form.PROCEDURES_PAGE
        edit = reverse("web:filing-page", args=[bundle.public_id, page.slug])
        sections.append({"key": key, "title": title, "rows": rows, "edit_url": edit})
    return {"sections": sections, "by_procedure": summary["procedures"]}


@login_required(login_url=CITIZEN_LOGIN)
def receipt(request, key):
    bundle = filer(request, key, drafts_only=False)
    if not bundle.code:
        return redirect("web:filing-review", key=bundle.public_id)
    return render(request, "web/receipt.html", {"bundle": bundle, "steps": bundle.steps.all()})


@login_required(login_url=CITIZEN_LOGIN)
@require_http_methods(["GET", "POST"])
def supplement(request, key):
    citizen_only(request)
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
                messages.success(
                    request, gettext("Đã gửi phần bổ sung; hồ sơ đã chuyển lại cho cán bộ UBND.")
                )
                return redirect("web:status", key=bundle.public_id)
        bundle = own_bundle(request, key)
    return render(
        request,
        "web/supplement.html",
        {
            "bundle": bundle,
            "request_row": request_row,
            "rows": field_rows(
                fields,
                values=declaration_of(bundle),
                errors=errors,
                required=set(),
                posted=request.POST if errors else None,
            ),
            "other_errors": problem_links(
                bundle, {p: m for p, m in errors.items() if p not in {f.path for f in fields}}
            ),
            "kinds": attachment_rows(bundle, kinds, set(kinds)),
            **upload_limits(),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
