from django.contrib import admin

from portal.accounts.admin_mixins import JurisdictionAdminMixin, ReadOnlyAdminMixin

from .models import Attempt, MessageLog


@admin.register(Attempt)
class AttemptAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "step", "number", "agency", "status_code", "latency_ms", "outcome"]
    list_filter = ["agency", "outcome"]
    list_select_related = ["step__bundle"]
    search_fields = ["correlation_id", "step__bundle__code"]


@admin.register(MessageLog)
class MessageLogAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "direction",
        "kind",
        "agency",
        "status_code",
        "correlation_id",
        "body_sha256",
    ]
    list_filter = ["agency", "direction", "kind"]
    search_fields = ["correlation_id"]
