from django.contrib import admin

from portal.accounts.admin_mixins import ReadOnlyAdminMixin

from .models import Province, Ward


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "division_type"]
    search_fields = ["name", "codename"]


@admin.register(Ward)
class WardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "province"]
    list_filter = ["province"]
    search_fields = ["name", "codename"]
    list_select_related = ["province"]
