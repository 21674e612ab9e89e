from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.8734 → "87,3 %"; no data → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + " %"


@register.filter
def days(value) -> str:
    if value is None:
        return "—"
    return "≥ 10" if value >= 10 else str(value)
