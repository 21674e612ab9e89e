"""What every filing page shares: whose draft it is, the catalogue in force, the navigation
between pages and each field's row."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from portal.accounts.constants import Role
from portal.common.text import size_shown
from portal.divisions.selectors import ward_label
from registrations import rules, selectors, services
from registrations.constants import AttachmentKind, BundleState, Group
from registrations.declaration import declaration_of, is_blank
from registrations.models import Bundle

from ..citizen import own_bundle
from . import form

CITIZEN_LOGIN = "accounts:citizen-login"
GROUP_SLUGS = {"khai-sinh": Group.BIRTH, "khai-tu": Group.DEATH}
SAVED_AUTOMATICALLY = gettext_lazy("Đã tự động lưu bản nháp lúc {time}.")


def citizen_only(request) -> None:
    if request.user.role != Role.CITIZEN:
        raise Http404


def filer(request, key, *, drafts_only: bool = True) -> Bundle:
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
    citizen_only(request)
    return own_bundle(request, key)


def catalogue_in_force(group: str):
    return selectors.catalogue_on(day=timezone.localdate(), group=group)


def procedures_of(group: str, chosen: list[str]) -> list:
    """Every procedure the bundle will hold (the registration and what it brings, plus the chosen)."""
    catalogue = catalogue_in_force(group)
    codes = rules.full_procedure_list([c for c in chosen if c in catalogue.procedures], catalogue)
    return [catalogue.procedures[code] for code in codes]


def required_paths(group: str, chosen: list[str]) -> set[str]:
    return {path for procedure in procedures_of(group, chosen) for path in procedure.required_fields}


def missing_paths(bundle: Bundle, paths, *, declaration: dict | None = None) -> list[str]:
    """Which of ``paths`` a chosen procedure requires and the draft does not hold yet, in their order."""
    required = required_paths(bundle.group, bundle.procedures)
    declaration = declaration_of(bundle) if declaration is None else declaration
    return [path for path in paths if path in required and is_blank(form.value_at(declaration, path))]


def missing_on_page(bundle: Bundle, page: form.Page) -> dict[str, list[str]]:
    """The required fields of one page left empty, each with the sentence shown at it."""
    declaration = declaration_of(bundle)  # read once for both questions
    if page.optional_section and form.value_at(declaration, page.optional_section) is None:
        return {}  # the father left out altogether: nothing of his is asked for
    message = gettext("Chưa điền. Mục này cần có trước khi nộp hồ sơ.")
    missing = missing_paths(bundle, [f.path for f in page.fields], declaration=declaration)
    return {path: [message] for path in missing}


def error_links(page: form.Page, errors: dict[str, list[str]]) -> list[dict]:
    """The page's error summary: each field with a message, linked to it, in the page's order."""
    return [
        {"label": f.shown_label, "url": f"#{f.html_id}", "messages": errors[f.path]}
        for f in page.fields
        if f.path in errors
    ]


def procedure_choices(group: str, chosen: list[str]) -> list[dict]:
    """The optional procedures of the catalogue in force, with who may have them, before any typing."""
    catalogue = catalogue_in_force(group)
    # Age limits come from the catalogue (a decree may change them); the rest explains each service.
    notes = {
        "health_insurance": gettext("Chỉ cấp thẻ lần đầu."),
        "child_id_card": gettext("Không cần ảnh, vân tay."),
        "permanent_residence": gettext("Không áp dụng khi đăng ký vào hộ tập thể."),
        "residence_removal": gettext("Xoá đăng ký thường trú của người đã mất."),
        "funeral_allowance": gettext(
            "Bảo hiểm xã hội chi trả cho người tham gia, hưởng bảo hiểm xã hội; "
            "UBND xã, phường cho đối tượng bảo trợ xã hội; "
            "Sở Nội vụ (qua UBND xã, phường) cho người có công. Có thể kèm trợ cấp tuất."
        ),
    }
    return [
        {
            "code": code,
            "name": procedure.shown_name,
            "note": " ".join(
                part
                for part in (
                    gettext("Chỉ cho trẻ dưới %(years)d tuổi.") % {"years": procedure.max_child_age_years}
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


def field_rows(fields, *, values: dict, errors: dict, required: set[str], posted=None) -> list[dict]:
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


def navigation(bundle: Bundle) -> list[dict]:
    pages = form.pages_for(bundle.group, bundle.procedures)
    links = [
        {"slug": p.slug, "title": p.title, "url": reverse("web:filing-page", args=[bundle.public_id, p.slug])}
        for p in pages
    ]
    links.append(
        {
            "slug": form.ATTACHMENTS_SLUG,
            "title": gettext("Giấy tờ đính kèm"),
            "url": reverse("web:filing-attachments", args=[bundle.public_id]),
        }
    )
    links.append(
        {
            "slug": "xem-lai",
            "title": gettext("Xem lại và nộp"),
            "url": reverse("web:filing-review", args=[bundle.public_id]),
        }
    )
    return links


def neighbours(nav: list[dict], slug: str) -> tuple[dict | None, dict | None]:
    index = next(i for i, link in enumerate(nav) if link["slug"] == slug)
    return (nav[index - 1] if index else None), (nav[index + 1] if index + 1 < len(nav) else None)


def draft_page(view):
    """A page of the filing form: the signed-in citizen's own draft, passed to the view; a bundle
    already submitted goes to its status page instead (the form no longer applies)."""

    @wraps(view)
    @login_required(login_url=CITIZEN_LOGIN)
    def wrapper(request, key, *args, **kwargs):
        bundle = filer(request, key, drafts_only=False)
        if bundle.state != BundleState.DRAFT:
            return redirect("web:status", key=bundle.public_id)
        return view(request, bundle, *args, **kwargs)

    return wrapper


def wants_json(request) -> bool:
    return (
        request.headers.get("X-Autosave") == "1"
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def attachment_rows(bundle: Bundle, kinds, required: set[str]) -> list[dict]:
    stored = list(bundle.attachments.all())
    labels = dict(AttachmentKind.choices)
    after = services.attachments_removable_after(bundle)
    return [
        {
            "kind": kind,
            "label": labels[kind],
            "required": kind in required,
            "files": [uploaded_row(a, after=after) for a in stored if a.kind == kind],
        }
        for kind in kinds
    ]


def upload_limits() -> dict:
    """What the upload cards tell and check before sending: the size limit, in bytes and in words."""
    return {
        "max_bytes": settings.ATTACHMENT_MAX_BYTES,
        "max_size": size_shown(settings.ATTACHMENT_MAX_BYTES),
    }


def uploaded_row(attachment, *, after) -> dict:
    """One stored scan as its card lists it: what it is, and whether it may still be taken back."""
    return {
        "file": attachment,
        "removable": services.attachment_removable(attachment=attachment, after=after),
    }


def problem_links(bundle: Bundle, errors: dict[str, list[str]]) -> list[dict]:
    """Each blocking problem with a link to the page and field where it is fixed. Required fields left
    empty are gathered per page ("Mẹ — chưa điền: Họ, chữ đệm, tên; Ngày sinh"), not one line each."""
    missing = set(missing_paths(bundle, errors))
    out, gathered = [], {}
    for path, found in errors.items():
        if path.startswith("attachments."):
            url = reverse("web:filing-attachments", args=[bundle.public_id])
            out.append({"label": dict(AttachmentKind.choices).get(path.split(".", 1)[1], path),
                        "url": url, "messages": found})  # fmt: skip
            continue
        target = form.page_of_path(bundle.group, path) or form.PROCEDURES_PAGE
        url = reverse("web:filing-page", args=[bundle.public_id, target.slug])
        field = next((f for f in target.fields if f.path == path), None)
        if field is not None:
            url += f"#{field.html_id}"
        if path in missing and field is not None:
            if target.slug not in gathered:
                gathered[target.slug] = {"label": str(target.title), "url": url, "fields": []}
                out.append(gathered[target.slug])
            gathered[target.slug]["fields"].append(field.shown_label)
            continue
        label = f"{target.title} — {field.shown_label}" if field else str(target.title)
        out.append({"label": label, "url": url, "messages": found})
    for entry in gathered.values():
        entry["messages"] = [gettext("Chưa điền: %(fields)s.") % {"fields": "; ".join(entry.pop("fields"))}]
    return out
