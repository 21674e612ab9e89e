from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .admin_mixins import JurisdictionAdminMixin
from .models import User
from .services import second_factor_reset

# Authenticator secrets are never shown or edited in the admin; a lost phone is handled by the
# reset action on the account, which is audited.
admin.site.unregister(TOTPDevice)


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

    actions = ["reset_second_factor"]

    @admin.action(description=_("Xoá thiết bị xác thực hai bước (thiết lập lại ở lần đăng nhập sau)"))
    def reset_second_factor(self, request, queryset):
        if not request.user.is_superuser:
            self.message_user(request, "Chỉ quản trị hệ thống được làm việc này.", messages.ERROR)
            return
        for user in queryset:
            second_factor_reset(user=user, actor=request.user)
        self.message_user(request, f"Đã xoá thiết bị xác thực của {queryset.count()} tài khoản.")

    @admin.display(description=_("số định danh"))
    def masked_id_number(self, obj):
        return obj.masked_id_number
