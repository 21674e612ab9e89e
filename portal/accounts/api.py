from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.common.problems import problem_response

from .constants import Role
from .rules import may_sign_in_with_password, second_factor_asked
from .services import second_factor_verify, totp_device_of


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="Tên đăng nhập", max_length=150)
    password = serializers.CharField(
        label="Mật khẩu", max_length=256, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        label="Mã xác thực hai bước",
        help_text="Bắt buộc với tài khoản đã bật xác thực hai bước (lãnh đạo, cán bộ tỉnh, quản trị).",
        error_messages={"invalid": "Mã xác thực gồm đúng 6 chữ số."},
    )


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (``Authorization: Token …``)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        # Problem answers (400 field errors, 401 wrong credentials, 429 locked out) are declared for
        # every operation by the project's schema class.
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Passing the request lets django-axes count failures and lock the username.
        code = serializer.validated_data.pop("otp", "")
        user = authenticate(request._request, **serializer.validated_data)
        allowed = user is not None and (
            may_sign_in_with_password(user)
            or user.role in (Role.AGENCY_CLIENT, Role.HOSPITAL_CLIENT)
            or (user.role == Role.CITIZEN and settings.CITIZEN_PASSWORD_LOGIN)
        )
        if not allowed:
            return problem_response(
                status_code=status.HTTP_401_UNAUTHORIZED, detail="Tên đăng nhập hoặc mật khẩu không đúng."
            )
        device = totp_device_of(user=user)
        if second_factor_asked(user, has_device=device is not None):
            # A token is as strong as a session: the same code is asked. An account that has not set up
            # its authenticator does so at the staff sign-in page first.
            if device is None:
                return problem_response(
                    status_code=status.HTTP_401_UNAUTHORIZED,
                    detail=(
                        "Tài khoản cần thiết lập xác thực hai bước: hãy đăng nhập trên trang cán bộ trước."
                    ),
                )
            if not code:
                return problem_response(
                    status_code=status.HTTP_401_UNAUTHORIZED,
                    detail="Cần mã xác thực hai bước.",
                    errors={"otp": ["Nhập mã 6 chữ số từ ứng dụng xác thực."]},
                )
            check = second_factor_verify(user=user, device=device, code=code)
            if not check:
                return problem_response(
                    status_code=status.HTTP_401_UNAUTHORIZED,
                    detail=check.message,
                    errors={"otp": [check.message]},
                    headers={"Retry-After": str(check.wait_seconds)} if check.wait_seconds else None,
                )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
