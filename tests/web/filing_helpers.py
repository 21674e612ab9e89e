"""Turn a complete declaration into what a citizen types on each page of the filing form."""

from __future__ import annotations

from portal.web.filing import form


def page_post(declaration: dict, page: form.Page) -> dict:
    data: dict = {}
    for f in page.fields:
        value = form.value_at(declaration, f.path)
        if f.kind == "ward":
            data[f.path] = "" if value is None else str(value)
            data[f"{f.path}__text"] = "" if value is None else str(value)
        elif f.kind in ("flag", "consent"):
            if value:
                data[f.path] = "on"
        else:
            data[f.path] = form.shown_value(value, f.kind)
    if page is form.PROCEDURES_PAGE:
        data["procedures"] = declaration["procedures"]
    return data


def pages_in_order(declaration: dict) -> list[form.Page]:
    return form.pages_for(declaration["group"], declaration["procedures"])
