from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.common.peers import client_address
from portal.common.problems import problem_response
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.exceptions import NotPermitted, TransitionRefused

from . import callbacks


class CallbackView(APIView):
    """Agencies report results here. Authenticated by the HMAC signature, not by a user."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # Limited per agency inside the service, after the signature is checked, not per address.
    throttle_classes = []

    @extend_schema(
        request=inline_serializer(
            "AgencyCallback",
            {
                "idempotency_key": serializers.UUIDField(),
                "status": serializers.ChoiceField(["done", "rejected"]),
                "result": serializers.DictField(required=False),
                "reason": serializers.CharField(required=False),
                "reference": serializers.CharField(required=False),
            },
        ),
        responses={200: inline_serializer("CallbackAck", {"status": serializers.CharField()})},
        parameters=[
            OpenApiParameter(
                "agency", str, OpenApiParameter.PATH, enum=["police", "social_insurance", "labour"]
            )
        ],
        auth=[],
    )
    def post(self, request, agency: str):
        try:
            return Response(
                callbacks.callback_receive(
                    agency=agency, body=request.body, headers=request.headers, address=client_address(request)
                )
            )
        except callbacks.CallbackRefused as refused:
            headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
            return problem_response(status_code=refused.status_code, detail=refused.detail, headers=headers)


class ReplayView(APIView):
    """A clerk sends a rejected or dead step again after the cause was fixed."""

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "ReplayResult", {"procedure": serializers.CharField(), "state": serializers.CharField()}
            )
        },
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH),
            OpenApiParameter("procedure", str, OpenApiParameter.PATH),
        ],
    )
    def post(self, request, key: str, procedure: str):
        try:
            bundle = bundle_selectors.bundle_get(
                user=request.user, key=key, queryset=bundle_selectors.bundles_for(request.user)
            )
            step = bundle_selectors.step_of(bundle=bundle, procedure=procedure)
            if step is None:
                raise ObjectDoesNotExist
            step = bundle_services.step_replay(step_id=step.pk, actor=request.user)
        except ObjectDoesNotExist:
            return problem_response(status_code=status.HTTP_404_NOT_FOUND, detail="Không tìm thấy bước này.")
        except TransitionRefused:
            return problem_response(
                status_code=status.HTTP_409_CONFLICT,
                detail="Chỉ gửi lại được bước bị từ chối hoặc gửi thất bại.",
            )
        except NotPermitted as exc:
            return problem_response(status_code=status.HTTP_403_FORBIDDEN, detail=str(exc))
        return Response({"procedure": step.procedure, "state": step.state})
