"""Bundles filed elsewhere and brought in whole (the National Public Service Portal's dossiers): the
same declaration checks, attachment checks and submission as a bundle filed on our pages, in one
transaction, so a dossier that fails any check leaves nothing behind."""

from __future__ import annotations

from django.db import transaction

from portal.common.problems import flatten_errors

from ..constants import Origin
from ..exceptions import ValidationFailed
from ..models import Bundle
from ..serializers import DeclarationSerializer
from .attachments import attachment_add
from .drafts import bundle_start
from .submission import bundle_submit


@transaction.atomic
def bundle_receive(*, owner, declaration: dict, attachments: list[tuple[str, object]], origin: str) -> Bundle:
    """A complete bundle from ``declaration`` (the API's declaration shape) and its ``attachments``
    ([(kind, file)]), submitted at once. Raises ValidationFailed with every field's problems (the
    declaration's, then the attachments', then the submission's completeness rules)."""
    if origin not in Origin.values:
        raise ValueError(origin)
    serializer = DeclarationSerializer(data=declaration, context={"group": declaration.get("group")})
    if not serializer.is_valid():
        raise ValidationFailed(flatten_errors(serializer.errors), "Tờ khai không hợp lệ.")
    bundle = bundle_start(owner=owner, data=serializer.validated_data, privacy_notice_accepted=True)
    bundle.origin = origin
    bundle.save(update_fields=["origin", "updated_at"])
    problems: dict[str, list[str]] = {}
    for index, (kind, upload) in enumerate(attachments):
        try:
            attachment_add(bundle=bundle, actor=owner, kind=kind, upload=upload)
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                problems.setdefault(f"attachments.{index}.{field}", []).extend(messages)
    if problems:
        raise ValidationFailed(problems, "Giấy tờ đính kèm không hợp lệ.")
    return bundle_submit(bundle=bundle, actor=owner)
