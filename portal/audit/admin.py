from django.contrib import admin

from portal.accounts.admin_mixins import ReadOnlyAdminMixin

from .models import AuditEvent, AuditSeal


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Only administrators read the whole trail; per-bundle history is shown on the case pages."""

    view_roles = ()
    list_display = ["occurred_at", "action", "actor_label", "object_type", "object_id", "stream", "seq"]
    list_filter = ["action"]
    search_fields = ["stream", "actor_label", "object_id", "request_id"]
    date_hierarchy = "occurred_at"


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    view_roles = ()
    list_display = ["day", "events_count", "hash", "sealed_at"]
