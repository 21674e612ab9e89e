from django import forms
from django.utils.translation import gettext_lazy as _

from portal.common.text import size_shown


class BatchSignForm(forms.Form):
    bundles = forms.MultipleChoiceField(
        label=_("Hồ sơ ký"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một hồ sơ để ký.")},
    )
    password = forms.CharField(
        label=_("Nhập lại mật khẩu để xác nhận"), widget=forms.PasswordInput, required=False, strip=False
    )
    confirm = forms.BooleanField(
        label=_("Tôi đã xem và đồng ý ký số các trích lục đã chọn."),
        error_messages={"required": _("Vui lòng xác nhận trước khi ký.")},
    )

    def __init__(self, *args, choices=(), reauth_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundles"].choices = choices
        self.reauth_required = reauth_required
        self.fields["password"].required = reauth_required


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp PDF cần kiểm tra"))

    def __init__(self, *args, max_bytes: int, refused: str = "", **kwargs):
        """``refused``: why the upload was stopped before it was read (too large); shown on the field."""
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.help_text = _("Tệp trích lục Anh/Chị nhận được; tối đa %(size)s. Tệp không được lưu lại.") % {
            "size": size_shown(max_bytes)
        }
        if refused:
            field.error_messages = {**field.error_messages, "required": refused}
