from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts.admin_mixins import JurisdictionAdminMixin, ReadOnlyAdminMixin

from .models import Extract, SignerCertificate
from .suspension import signing_resume, signing_suspend


@admin.register(Extract)
class ExtractAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bundle", "version", "title", "signer_name", "signed_at", "superseded_at"]
    list_select_related = ["bundle"]
    exclude = ["pdf", "token"]


@admin.register(SignerCertificate)
class SignerCertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    view_roles = ()
    list_display = ["user", "subject", "not_after", "active", "suspended_at", "suspended_reason"]
    exclude = ["pkcs12_path"]
    actions = ["suspend", "resume"]

    @admin.action(description=_("Tạm dừng ký số của các lãnh đạo đã chọn (có hiệu lực ngay)"))
    def suspend(self, request, queryset):
        for user in {certificate.user for certificate in queryset.select_related("user")}:
            signing_suspend(user=user, actor=request.user, reason="Quản trị tạm dừng trên trang quản trị")
        self.message_user(request, gettext("Đã tạm dừng ký số."), messages.SUCCESS)

    @admin.action(description=_("Cho các lãnh đạo đã chọn ký lại"))
    def resume(self, request, queryset):
        for user in {certificate.user for certificate in queryset.select_related("user")}:
            signing_resume(user=user, actor=request.user)
        self.message_user(request, gettext("Đã cho ký lại."), messages.SUCCESS)

    def get_actions(self, request):
        # Read-only otherwise: only an administrator suspends or resumes.
        return super().get_actions(request) if self._allowed(request, ()) else {}
