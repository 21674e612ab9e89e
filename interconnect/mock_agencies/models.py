from django.db import models


class MockRequest(models.Model):
    """What one agency received under one Idempotency-Key; ``effects`` counts how many times it acted
    on it, which must never exceed one."""

    agency = models.CharField(max_length=20)
    idempotency_key = models.UUIDField()
    procedure = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    callback_url = models.URLField(max_length=300, blank=True)
    status = models.CharField(max_length=12, default="processing")  # processing, done, rejected
    reference = models.CharField(max_length=40)
    result = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    tries = models.PositiveIntegerField(default=0)
    effects = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "idempotency_key"], name="mock_one_per_key")]

    def __str__(self) -> str:
        return f"{self.agency} {self.idempotency_key} {self.status}"


class MockCallback(models.Model):
    request = models.ForeignKey(MockRequest, on_delete=models.CASCADE, related_name="callbacks")
    due_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"callback {self.request_id} due {self.due_at}"


class MockKnobs(models.Model):
    """One row: how the mock agencies behave (shared by every process serving them)."""

    knobs = models.JSONField(default=dict)

    def __str__(self) -> str:
        return str(self.knobs)
