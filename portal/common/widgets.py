"""Form widgets shared by the portal's forms."""

from __future__ import annotations

from django import forms

from .text import Vietnamese


class NamesSelect(forms.Select):
    """A list of places or people: their names are marked Vietnamese (``lang="vi"``), so an English
    page reads them as such."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if isinstance(label, Vietnamese):
            option["attrs"]["lang"] = "vi"
        return option
