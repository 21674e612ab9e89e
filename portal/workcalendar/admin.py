from django.contrib import admin

from portal.accounts.admin_mixins import RoleAdminMixin

from .models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Administrators enter each year's announced Tết break and make-up Saturdays; staff can read."""

    list_display = ["date", "kind", "reason"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["reason"]
