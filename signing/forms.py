from django import forms


class BatchSignForm(forms.Form):
    bundles = forms.MultipleChoiceField(
        label="Hồ sơ ký",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Chọn ít nhất một hồ sơ để ký."},
    )
    password = forms.CharField(
        label="Nhập lại mật khẩu để xác nhận", widget=forms.PasswordInput, required=False, strip=False
    )
    confirm = forms.BooleanField(
        label="Tôi đã xem và đồng ý ký số các trích lục đã chọn.",
        error_messages={"required": "Vui lòng xác nhận trước khi ký."},
    )

    def __init__(self, *args, choices=(), reauth_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundles"].choices = choices
        self.reauth_required = reauth_required
        self.fields["password"].required = reauth_required


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp PDF cần kiểm tra",
        help_text="Tệp trích lục Anh/Chị nhận được; tối đa 10 MB. Tệp không được lưu lại.",
    )
