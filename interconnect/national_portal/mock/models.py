from django.db import models


class MockDossier(models.Model):
    """A dossier filed on the mock portal, waiting to be taken by a commune's system."""

    code = models.CharField(max_length=200, unique=True)  # room for the bad codes a test files
    procedure_code = models.CharField(max_length=20)
    ward_id = models.PositiveIntegerField(db_index=True)
    applicant = models.JSONField(default=dict)
    declaration = models.JSONField(default=dict)  # a JSON object, or {"xml": "..."}
    attachments = models.JSONField(default=list)
    filed_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acks = models.PositiveIntegerField(default=0)
    status = models.PositiveSmallIntegerField(default=1)  # TrangThaiHoSo as the portal holds it
    due_at = models.CharField(max_length=14, blank=True)  # NgayHenTra, yyyyMMddHHmmss
    finished_at = models.CharField(max_length=14, blank=True)

    def __str__(self) -> str:
        return f"{self.code} ({self.status})"


class MockStatus(models.Model):
    """One status message as received; ``in_effect`` is false for a repeat of a known key."""

    dossier_code = models.CharField(max_length=60, db_index=True)
    key = models.CharField(max_length=120, unique=True)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    repeats = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_code} {self.status}"


class MockKnobs(models.Model):
    knobs = models.JSONField(default=dict)

    def __str__(self) -> str:
        return str(self.knobs)
