"""Serializers that build their field tree once per thread instead of once per instance."""

from __future__ import annotations

import threading

from django.utils.functional import cached_property
from rest_framework import serializers

_trees = threading.local()


class ReusedFieldTree:
    """DRF deep-copies every declared field for each serializer instance, nested serializers
    included, and a ModelSerializer also introspects its model each time. For the declaration (13
    nested serializers, about 150 fields) that was a tenth of a whole submission's time.

    The tree built for the first instance of a class in a thread is kept and handed to the next
    instances of that class in the same thread, re-pointed at the new root. That is safe because
    fields keep nothing between validations or representations: input, validated data and errors live
    on the root, and the context is looked up through the parents. One request runs in a thread at a
    time, so no two roots share a tree at once."""

    @cached_property
    def fields(self):
        trees = _trees.__dict__.setdefault("by_class", {})
        tree = trees.get(type(self))
        if tree is None:
            tree = trees[type(self)] = super().fields
        for field in tree.values():
            field.parent = self
        return tree


class ChoiceLabelField(serializers.CharField):
    """The label of a model's choice field, read-only. DRF's ``source="get_state_display"`` would
    inspect the bound method's signature on every read (about 0.1 ms each: Django makes it a partial
    method); this calls it directly."""

    def __init__(self, choice_field: str, **kwargs):
        self.method_name = f"get_{choice_field}_display"
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance) -> str:
        return getattr(instance, self.method_name)()
