from django.db import models


class Probe(models.Model):
    """The new table of a release: nothing the running portal knows of."""

    note = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return self.note
