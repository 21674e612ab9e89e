from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .admin_mixins import JurisdictionAdminMixin
from .models import User


@admin.register(User)
class UserAdmin(JurisdictionAdminMixin, DjangoUserAdmin):
    """Staff see the accounts of their own jurisdiction; only administrators change accounts here
    (provincial staff manage their wards' accounts from the back office)."""

    list_display = ["username", "full_name", "role", "ward", "province", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    list_select_related = ["ward", "province"]
    readonly_fields = ["last_login", "date_joined", "eid_verified_at", "masked_id_number"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin", {"fields": ("full_name", "email", "phone", "title")}),
        ("Vai trò và đơn vị", {"fields": ("role", "ward", "province", "is_active", "is_superuser")}),
        ("Định danh", {"fields": ("masked_id_number", "date_of_birth", "sex", "eid_verified_at")}),
        ("Thời điểm", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "usable_password", "password1", "password2")}),
        ("Vai trò và đơn vị", {"fields": ("full_name", "email", "role", "ward", "province")}),
    )

    @admin.display(description="số định danh")
    def masked_id_number(self, obj):
        return obj.masked_id_number
