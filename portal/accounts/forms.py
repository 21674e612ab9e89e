from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from portal.common.text import ascii_digits

from .rules import may_sign_in_with_password


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: tài khoản bị tạm khoá sau nhiều lần sai.")
        ),
        "inactive": _("Tài khoản này đã bị vô hiệu hoá."),
        "citizen": _(
            "Công dân đăng nhập bằng tài khoản định danh điện tử VNeID, không dùng mật khẩu tại đây."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_sign_in_with_password(user):
            raise forms.ValidationError(self.error_messages["citizen"], code="citizen")


class MockEidForm(forms.Form):
    citizen = forms.ChoiceField(label=_("Chọn danh tính trình diễn"), widget=forms.RadioSelect)

    def __init__(self, *args, identities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizen"].choices = [
            (str(index), f"{identity['full_name']} — sinh ngày {identity['date_of_birth']:%d/%m/%Y}")
            for index, identity in enumerate(identities)
        ]


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=12,
        help_text=_("Mở ứng dụng xác thực trên điện thoại và nhập mã đang hiển thị."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Vui lòng nhập mã xác thực.")},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (ascii_digits(code) and len(code) == 6):
            raise forms.ValidationError("Mã xác thực gồm đúng 6 chữ số.")
        return code
