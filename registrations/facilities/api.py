"""The intake for medical facilities: signed with the facility's own secret (``X-Facility``,
``X-Timestamp``, ``X-Signature: sha256=HMAC(secret, timestamp.body)``), like the agency callbacks.
A facility reaches nothing else, and sees only what it sent."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.common.jsonbody import BodyRefused, parse_json
from portal.common.peers import client_address
from portal.common.problems import flatten_errors, problem_response

from ..constants import CertificateKind
from . import selectors
from .checks import KINDS
from .intake import CertificateRefused, certificate_correct, certificate_receive, facility_authenticate
from .serializers import BirthCertificateSerializer, CertificateOutSerializer, DeathNoticeSerializer

SIGNED = [
    OpenApiParameter("X-Facility", str, OpenApiParameter.HEADER, required=True, description="Mã cơ sở."),
    OpenApiParameter("X-Timestamp", str, OpenApiParameter.HEADER, required=True, description="Giây Unix."),
    OpenApiParameter(
        "X-Signature",
        str,
        OpenApiParameter.HEADER,
        required=True,
        description="sha256=HMAC(khoá, timestamp.body)",
    ),
]


class _Intake(APIView):
    """One kind of certificate: send (POST), list your own (GET)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []  # limited per facility once the signature holds
    kind = ""
    serializer_class: type[serializers.Serializer] = serializers.Serializer

    def _facility(self, request):
        return facility_authenticate(
            code=request.headers.get("X-Facility", ""),
            timestamp=request.headers.get("X-Timestamp", ""),
            signature=request.headers.get("X-Signature", ""),
            body=request.body,
            address=client_address(request),
        )

    def _validated(self, request) -> dict:
        try:
            payload = parse_json(request.body or b"null")
        except BodyRefused as exc:
            raise CertificateRefused(400, str(exc)) from None
        serializer = self.serializer_class(data=payload)
        if not serializer.is_valid():
            raise CertificateRefused(
                400, "Vui lòng kiểm tra các trường được nêu.", errors=flatten_errors(serializer.errors)
            )
        return serializer.validated_data

    def handle_refusal(self, refused: CertificateRefused) -> Response:
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
        return problem_response(
            status_code=refused.status_code, detail=refused.detail, errors=refused.errors, headers=headers
        )

    def post(self, request, number: str | None = None):
        try:
            facility = self._facility(request)
            data = self._validated(request)
            if number is None:
                record, created = certificate_receive(facility=facility, kind=self.kind, data=data)
            else:
                record, created = certificate_correct(
                    facility=facility,
                    kind=self.kind,
                    number=number,
                    data=data,
                    signature=request.headers.get("X-Signature", ""),
                )
        except CertificateRefused as refused:
            return self.handle_refusal(refused)
        return Response(
            CertificateOutSerializer(record).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def get(self, request):
        try:
            facility = self._facility(request)
        except CertificateRefused as refused:
            return self.handle_refusal(refused)
        records = selectors.certificates_of(facility=facility, kind=self.kind)[:500]
        return Response({"results": CertificateOutSerializer(records, many=True).data})


def _send_schema(summary: str, serializer):
    return extend_schema(
        summary=summary,
        request=serializer,
        responses={201: CertificateOutSerializer, 200: CertificateOutSerializer},
        parameters=SIGNED,
        auth=[],
    )


def _endpoint(kind: str, serializer, *, correction: bool = False) -> type[_Intake]:
    """One kind's endpoint: send and list, or send a correction (a new version by the sender, the
    old one kept)."""
    label = KINDS[kind].label
    attrs = {"kind": kind, "serializer_class": serializer}
    if correction:
        attrs["http_method_names"] = ["post", "options"]
        attrs["post"] = _send_schema(
            f"Đính chính {label} (bản mới thay bản cũ, bản cũ được giữ)", serializer
        )(_Intake.post)
    else:
        attrs["post"] = _send_schema(f"Gửi {label}", serializer)(_Intake.post)
        attrs["get"] = extend_schema(
            summary=f"Danh sách {label} cơ sở đã gửi (bản đang dùng)",
            responses={200: CertificateOutSerializer(many=True)},
            parameters=SIGNED,
            auth=[],
        )(_Intake.get)
    name = f"{kind.title()}{'Correction' if correction else 'Intake'}"
    return type(name, (_Intake,), attrs)


BirthCertificates = _endpoint(CertificateKind.BIRTH, BirthCertificateSerializer)
DeathNotices = _endpoint(CertificateKind.DEATH, DeathNoticeSerializer)
BirthCertificateCorrection = _endpoint(CertificateKind.BIRTH, BirthCertificateSerializer, correction=True)
DeathNoticeCorrection = _endpoint(CertificateKind.DEATH, DeathNoticeSerializer, correction=True)
