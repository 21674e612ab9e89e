"""The filing form as the pages use it: its fields and pages, reading what is posted, and keeping
what is valid of it."""

from registrations.serializers import validate_keeping_valid

from .fields import (
    ATTACHMENT_KINDS,
    ATTACHMENTS_SLUG,
    PAGES,
    PROCEDURES_PAGE,
    Field,
    Page,
    fields_under,
    page_by_slug,
    page_of_path,
    pages_for,
)
from .parsing import parse, shown_value, value_at

__all__ = [
    "ATTACHMENTS_SLUG",
    "ATTACHMENT_KINDS",
    "PAGES",
    "PROCEDURES_PAGE",
    "Field",
    "Page",
    "fields_under",
    "page_by_slug",
    "page_of_path",
    "pages_for",
    "parse",
    "shown_value",
    "validate_keeping_valid",
    "value_at",
]
