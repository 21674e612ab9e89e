"""Drafts: started by a citizen (or with one, at the one-stop counter) and filled in as they type,
through the pages or the API alike. Drafts accept missing fields, never invalid values."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.accounts.constants import Role
from portal.accounts.services import privacy_notice_accept

from .. import rules, selectors
from ..constants import BundleState, Group, Origin, PersonRole
from ..declaration import apply_declaration, declaration_of, is_blank, value_at
from ..exceptions import NotPermitted, ValidationFailed
from ..facilities.checks import CertificateCheck, certificate_check, certificate_prefill
from ..models import Bundle, Person
from ..serializers import validate_keeping_valid
from .changes import bundle_event, locked
from .guards import ensure_may, require_state

PRIVACY_REFUSED = "Vui lòng đọc và đồng ý với thông báo xử lý dữ liệu cá nhân để nộp hồ sơ."


def _requester_from_account(*, bundle: Bundle, owner) -> Person:
    """The requester's identity comes from e-ID and is not editable in the declaration."""
    return Person(
        bundle=bundle,
        role=PersonRole.REQUESTER,
        full_name=owner.full_name,
        date_of_birth=owner.date_of_birth,
        sex=owner.sex or "",
        id_number=owner.id_number or None,
    )


def _check_procedures(group: str, data: dict) -> None:
    """Procedures, whenever a draft's are set, must be the catalogue's, with one optional at least."""
    if "procedures" not in data:
        return
    catalogue = selectors.catalogue_on(day=timezone.localdate(), group=group)
    problems = rules.procedure_choice_errors(list(data["procedures"]), catalogue)
    if problems:
        raise ValidationFailed({"procedures": problems}, "Chưa chọn đúng các thủ tục.")


def _with_parent_from_account(*, group: str, owner, stored: dict, data: dict) -> dict:
    """A mother or father filing for their child declares themself as that parent: the parent's
    identity comes from their e-ID account while that part of the declaration is still empty."""
    role = value_at(data, "requester.relationship") or value_at(stored, "requester.relationship")
    if group != Group.BIRTH or role not in ("mother", "father"):
        return data
    if not is_blank(value_at(data, f"{role}.full_name")) or not is_blank(
        value_at(stored, f"{role}.full_name")
    ):
        return data
    identity = {
        "full_name": owner.full_name,
        "date_of_birth": owner.date_of_birth,
        "id_number": owner.id_number,
        "sex": owner.sex,
        "nationality": "VN",
    }
    # Checked as anything typed would be; what the account cannot fill, the family types.
    known, _invalid = validate_keeping_valid(
        {role: {k: v for k, v in identity.items() if not is_blank(v)}}, group=group
    )
    return {**data, role: {**known.get(role, {}), **(data.get(role) or {})}}


def persist_declaration(bundle: Bundle, data: dict) -> None:
    to_save, to_delete, details = apply_declaration(bundle, data)
    bundle.save()
    if details is not None:
        details.save()
    for person in to_delete:
        if person.pk:
            person.delete()
    new = [p for p in to_save if p.pk is None]
    for person in new:
        person.prepare()
    Person.objects.bulk_create(new)
    for person in to_save:
        if person.pk and person not in new:
            person.save()


@transaction.atomic
def bundle_create_draft(*, owner, data: dict) -> Bundle:
    """A new draft owned by ``owner`` (validated ``data``, which may be nearly empty)."""
    return _create_draft(owner=owner, data=data)


def _create_draft(*, owner, data: dict) -> Bundle:
    if owner.role != Role.CITIZEN:
        raise NotPermitted("Chỉ công dân (hoặc cán bộ nộp thay tại bộ phận một cửa) tạo hồ sơ.")
    data = _with_parent_from_account(group=data["group"], owner=owner, stored={}, data=data)
    bundle = Bundle(owner=owner, group=data["group"])
    to_save, _, details = apply_declaration(bundle, data)  # rows built in memory, saved below
    bundle.save()
    requester = _requester_from_account(bundle=bundle, owner=owner)
    if details is not None:
        details.save(force_insert=True)  # a new bundle's row: no UPDATE tried first
    for person in (requester, *to_save):
        person.prepare()
    Person.objects.bulk_create([requester, *to_save])
    return bundle


@transaction.atomic
def bundle_start(*, owner, data: dict, privacy_notice_accepted: bool) -> Bundle:
    """A citizen starts filing, on the pages or through the API: the procedures chosen from the
    catalogue in force and the privacy notice accepted (Decree 13/2023/NĐ-CP), recorded with the
    new draft in one transaction."""
    errors = {}
    try:
        _check_procedures(data["group"], {"procedures": data.get("procedures") or [], **data})
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if not privacy_notice_accepted:
        errors["privacy_notice_accepted"] = [PRIVACY_REFUSED]
    if errors:
        raise ValidationFailed(errors, "Chưa bắt đầu được hồ sơ.")
    bundle = _create_draft(owner=owner, data=data)
    privacy_notice_accept(user=owner, purpose=f"filing:{bundle.group}")
    return bundle


@transaction.atomic
def bundle_update_draft(*, bundle: Bundle, actor, data: dict) -> Bundle:
    bundle = locked(bundle, actor=actor)
    ensure_may("update", actor=actor, bundle=bundle)
    require_state(bundle, "update", (BundleState.DRAFT,))
    _check_procedures(bundle.group, data)
    data = _with_parent_from_account(
        group=bundle.group, owner=bundle.owner, stored=declaration_of(bundle), data=data
    )
    persist_declaration(bundle, data)
    return bundle


@transaction.atomic
def bundle_fill_from_certificate(*, bundle: Bundle, actor) -> CertificateCheck:
    """Compare the certificate or notice number the draft names with what the facility sent. When
    it matches the declared person, what the certificate says fills the parts still empty (the family
    may still change them; what differs is for the clerk to see)."""
    bundle = locked(bundle, actor=actor)
    ensure_may("update", actor=actor, bundle=bundle)
    require_state(bundle, "update", (BundleState.DRAFT,))
    declaration = declaration_of(bundle)
    check = certificate_check(group=bundle.group, declaration=declaration)
    if check.verified:
        empty = {
            section: {
                key: value
                for key, value in values.items()
                if not is_blank(value) and is_blank(value_at(declaration, f"{section}.{key}"))
            }
            for section, values in certificate_prefill(check.certificate).items()
        }
        validated, _invalid = validate_keeping_valid(
            {section: values for section, values in empty.items() if values}, group=bundle.group
        )
        if validated:
            persist_declaration(bundle, validated)
    return check


@transaction.atomic
def bundle_start_at_counter(*, clerk, citizen, group: str) -> Bundle:
    """A draft owned by the citizen whose identity the clerk just confirmed at the counter, filled in
    by the clerk with them. It is the citizen's bundle: in their "My bundles", withdrawn or
    supplemented only by them; its history names the assisting clerk."""
    if clerk.role != Role.WARD_CLERK or not clerk.ward_id:
        raise NotPermitted("Chỉ công chức một cửa của xã, phường nộp thay tại quầy.")
    bundle = bundle_create_draft(owner=citizen, data={"group": group, "procedures": []})
    bundle.origin, bundle.assisted_by = Origin.COUNTER, clerk
    bundle.save(update_fields=["origin", "assisted_by"])
    bundle_event(
        bundle, "bundle.counter_assisted", actor=clerk, data={"clerk": clerk.full_name, "ward": clerk.ward_id}
    )
    return bundle
