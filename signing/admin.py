from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from portal.accounts.admin_mixins import JurisdictionAdminMixin, ReadOnlyAdminMixin
from portal.accounts.constants import Role
from portal.accounts.models import User
from portal.audit.services import audit_record
from portal.audit.streams import user_stream

from . import certificates
from .forms import KeyAssignForm
from .models import Extract, KeyHolding, SignerCertificate
from .suspension import signing_resume, signing_suspend


@admin.register(Extract)
class ExtractAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bundle", "version", "title", "signer_name", "signed_at", "superseded_at"]
    list_select_related = ["bundle"]
    exclude = ["pdf", "token"]


@admin.register(SignerCertificate)
class SignerCertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    view_roles = ()
    list_display = ["user", "holding", "subject", "not_after", "active", "suspended_at", "suspended_reason"]
    list_filter = ["holding", "active"]
    exclude = ["pkcs12_path"]
    actions = ["suspend", "resume"]
    change_list_template = "admin/signing/signercertificate/change_list.html"

    def get_urls(self):
        assign = self.admin_site.admin_view(sensitive_post_parameters()(self.assign_view))
        return [path("giao-khoa/", assign, name="signing_signercertificate_assign"), *super().get_urls()]

    def assign_view(self, request):
        """Choose how a leader's key is held: a PKCS#12 file, a PKCS#11 token, a remote provider."""
        if not self._allowed(request, ()):
            raise PermissionDenied
        form = KeyAssignForm(
            request.POST or None,
            leaders=User.objects.filter(role=Role.WARD_LEADER, is_active=True).order_by("username"),
            holdings=KeyHolding.choices,
        )
        if request.method == "POST" and form.is_valid():
            try:
                record = _assign(form.cleaned_data)
            except certificates.SigningRefused as exc:
                form.add_error(None, str(exc))
            else:
                audit_record(
                    stream=user_stream(record.user_id), action="signing.key_assigned", actor=request.user,
                    object_type="user", object_id=record.user_id, data={"holding": record.holding},
                )  # fmt: skip
                self.message_user(request, gettext("Đã giao khoá ký: %(record)s.") % {"record": record})
                return redirect("admin:signing_signercertificate_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": gettext("Giao khoá ký cho lãnh đạo")}  # fmt: skip
        return TemplateResponse(request, "admin/signing/signercertificate/assign.html", context)

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


def _assign(data: dict) -> SignerCertificate:
    leader, holding = data["leader"], data["holding"]
    if holding == KeyHolding.PKCS12:
        return certificates.certificate_register_pkcs12(user=leader, path=data["pkcs12_path"].strip())
    if holding == KeyHolding.PKCS11:
        return certificates.certificate_register_token(
            user=leader, token_label=data["token_label"].strip(), key_label=data["key_label"].strip(),
            certificate_path=data["certificate_path"].strip(),
        )  # fmt: skip
    return certificates.certificate_register_remote(user=leader, credential_id=data["credential_id"].strip())
