from django.contrib import admin

from portal.accounts.admin_mixins import JurisdictionAdminMixin, ReadOnlyAdminMixin

from .models import Extract, SignerCertificate


@admin.register(Extract)
class ExtractAdmin(JurisdictionAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bundle", "version", "title", "signer_name", "signed_at", "superseded_at"]
    list_select_related = ["bundle"]
    exclude = ["pdf", "token"]


@admin.register(SignerCertificate)
class SignerCertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    view_roles = ()
    list_display = ["user", "subject", "not_after", "active"]
    exclude = ["pkcs12_path"]
