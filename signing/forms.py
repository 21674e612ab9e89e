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
    pin = forms.CharField(
        label=_("Mã PIN của thiết bị ký số"),
        help_text=_("Mã PIN mở khoá ký trên thiết bị cho lần ký này; cổng không lưu mã PIN."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        required=False,
        strip=False,
        max_length=64,
    )
    code = forms.CharField(
        label=_("Mã xác thực gửi tới điện thoại"),
        help_text=_("Mã gồm 6 chữ số, dùng một lần, có hiệu lực 5 phút; cổng không lưu mã."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        required=False,
        max_length=12,
    )
    confirm = forms.BooleanField(
        label=_("Tôi đã xem và đồng ý ký số các trích lục đã chọn."),
        error_messages={"required": _("Vui lòng xác nhận trước khi ký.")},
    )

    def __init__(self, *args, choices=(), reauth_required=True, holding: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundles"].choices = choices
        # A key on a token is opened by its PIN for each batch, a remote key by a code sent to the
        # leader's phone; the account password is then not asked.
        self.pin_required = holding == "pkcs11"
        self.code_required = holding == "csc"
        self.reauth_required = reauth_required and not (self.pin_required or self.code_required)
        self.fields["password"].required = self.reauth_required
        self.fields["pin"].required = self.pin_required
        self.fields["code"].required = self.code_required


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


class KeyAssignForm(forms.Form):
    """The administrator chooses how a leader's key is held and names it (the CA hands over the file,
    the token's labels, or the remote-signing credential)."""

    leader = forms.ModelChoiceField(label=_("Lãnh đạo"), queryset=None)
    holding = forms.ChoiceField(label=_("Nơi giữ khoá"), choices=(), widget=forms.RadioSelect)
    pkcs12_path = forms.CharField(
        label=_("Tệp PKCS#12 trên máy chủ"), required=False, max_length=500,
        help_text=_("Đường dẫn tệp do tổ chức chứng thực cấp; mở bằng SIGNING_KEY_PASSPHRASE."),
    )  # fmt: skip
    token_label = forms.CharField(label=_("Nhãn thiết bị (token)"), required=False, max_length=64)
    key_label = forms.CharField(label=_("Nhãn khoá trên thiết bị"), required=False, max_length=64)
    certificate_path = forms.CharField(
        label=_("Tệp chứng thư (PEM) của khoá trên thiết bị"), required=False, max_length=500
    )
    credential_id = forms.CharField(
        label=_("Mã chứng thư ký từ xa (credentialID)"), required=False, max_length=200,
        help_text=_("Do nhà cung cấp dịch vụ ký số từ xa cấp; chứng thư được hỏi trực tiếp nhà cung cấp."),
    )  # fmt: skip
    NEEDS = {
        "pkcs12": ("pkcs12_path",),
        "pkcs11": ("token_label", "key_label", "certificate_path"),
        "csc": ("credential_id",),
    }

    def __init__(self, *args, leaders, holdings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["holding"].choices = holdings

    def clean(self):
        cleaned = super().clean()
        for name in self.NEEDS.get(cleaned.get("holding"), ()):
            if not (cleaned.get(name) or "").strip():
                self.add_error(name, _("Cần điền cho cách giữ khoá đã chọn."))
        return cleaned
