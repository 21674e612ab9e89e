"""Numbering: the civil-status books' gapless numbers and the bundle codes."""

from __future__ import annotations

from django.db import models

from portal.common.counters import CounterManager

from ..constants import Book


class RegistrationCounter(models.Model):
    """The last civil-status number given in one ward's book of one year. Locked while a number is
    taken, inside the registering transaction: a rolled-back registration gives its number back."""

    ward = models.ForeignKey("divisions.Ward", on_delete=models.PROTECT, related_name="+")
    book = models.CharField(max_length=10, choices=Book.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    objects = CounterManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ward", "book", "year"], name="one_counter_per_book")]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.book} {self.year}: {self.last_number}"


class BundleCodeCounter(models.Model):
    ward = models.ForeignKey("divisions.Ward", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    objects = CounterManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ward", "day"], name="one_code_counter_per_ward_day")]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.day}: {self.last_number}"
