from django.contrib import admin

from portal.accounts.admin_mixins import JurisdictionAdminMixin, ReadOnlyAdminMixin, RoleAdminMixin

from .models import (
    Attachment,
    BenefitRate,
    Bundle,
    CatalogueVersion,
    FuneralBenefitRule,
    GroupRule,
    Procedure,
    Step,
)
from .services import personal_data_viewed


class ProcedureInline(admin.TabularInline):
    model = Procedure
    extra = 0
    fields = [
        "group",
        "position",
        "code",
        "name",
        "agency",
        "optional",
        "depends_on",
        "time_limit_days",
        "by_regime",
        "max_child_age_years",
        "required_fields",
        "required_attachments",
    ]


class GroupRuleInline(admin.StackedInline):
    model = GroupRule
    extra = 0


@admin.register(BenefitRate)
class BenefitRateAdmin(RoleAdminMixin, admin.ModelAdmin):
    """A decree that changes the reference level or the assistance standard is a new row here, from the
    date it takes effect; earlier deaths keep the amount of their own date."""

    list_display = ["code", "effective_from", "amount_vnd", "legal_basis"]
    list_filter = ["code"]


@admin.register(FuneralBenefitRule)
class FuneralBenefitRuleAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["regime", "effective_from", "multiplier", "base", "legal_basis"]
    list_filter = ["regime"]


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(RoleAdminMixin, admin.ModelAdmin):
    """A new decree is entered here as a new version with its effective date; bundles already
    submitted keep the version they were submitted under."""

    list_display = ["code", "legal_basis", "effective_from", "effective_to"]
    inlines = [GroupRuleInline, ProcedureInline]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    can_delete = False
    fields = ["procedure", "agency", "state", "attempts", "deadline", "next_attempt_at", "done_at", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Bundle)
class BundleAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: bundles change only through the portal's actions, which check the rules and audit."""

    list_display = ["code", "group", "state", "ward", "submitted_at", "due_at", "late_registration"]
    list_filter = ["group", "state", "late_registration"]
    search_fields = ["code"]
    list_select_related = ["ward"]
    exclude = ["procedures"]
    inlines = [StepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(state="draft")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        bundle = self.get_object(request, object_id) if response.status_code == 200 else None
        if bundle is not None:
            personal_data_viewed(bundle=bundle, actor=request.user, what="admin")
        return response


@admin.register(Step)
class StepAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bundle", "procedure", "agency", "state", "attempts", "deadline", "done_at"]
    list_filter = ["agency", "state", "procedure"]
    search_fields = ["bundle__code"]
    list_select_related = ["bundle"]


@admin.register(Attachment)
class AttachmentAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bundle", "kind", "content_type", "size", "uploaded_at"]
    exclude = ["file"]
    list_select_related = ["bundle"]

    def get_queryset(self, request):
        # A draft is the citizen's own notebook: staff see its scans only once it is filed.
        return super().get_queryset(request).exclude(bundle__state="draft")
