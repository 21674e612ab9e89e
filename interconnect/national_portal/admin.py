from django.contrib import admin

from portal.accounts.admin_mixins import JurisdictionAdminMixin, ReadOnlyAdminMixin

from .models import InboundDossier, StatusMessage


@admin.register(InboundDossier)
class InboundDossierAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "code", "procedure_code", "ward", "outcome", "acknowledged_at"]
    list_filter = ["outcome", "procedure_code"]
    list_select_related = ["ward"]
    search_fields = ["code"]


@admin.register(StatusMessage)
class StatusMessageAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "dossier_code", "seq", "status", "state", "attempts", "delivered_at"]
    list_filter = ["state", "status"]
    list_select_related = ["ward"]
    search_fields = ["dossier_code"]
