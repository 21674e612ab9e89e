from django import template
from django.utils.safestring import mark_safe

from portal.common.text import Vietnamese

register = template.Library()


@register.filter
def lang_attr(value) -> str:
    """' lang="vi"' for text that stays Vietnamese on an English page (names, addresses, wards)."""
    return mark_safe(' lang="vi"') if isinstance(value, Vietnamese) else ""
