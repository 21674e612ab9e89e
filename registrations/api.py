"""The bundle API. Thin: it validates input shapes, fetches the bundle through the caller's
jurisdiction and hands over to ``services``; errors come back as problem details."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import DatabaseError
from django.http import FileResponse
from django.utils import timezone
from django_fsm import ConcurrentTransition
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from portal.common.problems import problem_response
from portal.common.text import ascii_digits

from . import selectors, services
from .api_serializers import (
    AttachmentOutSerializer,
    BundleDetailSerializer,
    BundleListSerializer,
    BundleSummarySerializer,
)
from .constants import BundleState, CertificateStatus, Group
from .exceptions import (
    AttachmentKept,
    DuplicateRegistration,
    NotPermitted,
    TransitionRefused,
    ValidationFailed,
)
from .models import Attachment, Bundle
from .serializers import (
    AttachmentUploadSerializer,
    CorrectionDecisionSerializer,
    CorrectionRequestSerializer,
    DeclarationSerializer,
    DraftStartSerializer,
    ReasonSerializer,
    SupplementRequestSerializer,
)
from .uploads import refuse_declared_excess, stop_reading_past


def _problem_for(exc: Exception) -> Response | None:
    if isinstance(exc, TransitionRefused):
        response = problem_response(status_code=status.HTTP_409_CONFLICT, detail=str(exc))
        response.data["allowed_actions"] = exc.allowed
        return response
    if isinstance(exc, ConcurrentTransition):
        return problem_response(
            status_code=status.HTTP_409_CONFLICT,
            detail="Hồ sơ vừa được người khác thay đổi; vui lòng tải lại và thử lại.",
        )
    if isinstance(exc, DuplicateRegistration):
        return problem_response(status_code=status.HTTP_409_CONFLICT, detail=str(exc), errors=exc.errors)
    if isinstance(exc, ValidationFailed):
        return problem_response(status_code=status.HTTP_400_BAD_REQUEST, detail=str(exc), errors=exc.errors)
    if isinstance(exc, NotPermitted):
        return problem_response(status_code=status.HTTP_403_FORBIDDEN, detail=str(exc))
    if isinstance(exc, AttachmentKept):
        return problem_response(status_code=status.HTTP_409_CONFLICT, detail=str(exc))
    if isinstance(exc, Bundle.DoesNotExist | Attachment.DoesNotExist):
        return problem_response(status_code=status.HTTP_404_NOT_FOUND, detail="Không tìm thấy hồ sơ.")
    return None


# Only a well-formed UUID reaches the lookup: anything else is a 404, never a database error.
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
BUNDLE_KEY = OpenApiParameter(
    "key", str, OpenApiParameter.PATH, description="Mã hồ sơ hoặc mã nội bộ (UUID)."
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=BundleState.values),
            OpenApiParameter("group", str, enum=["birth", "death"]),
            OpenApiParameter("ward", int),
        ]
    ),
    retrieve=extend_schema(parameters=[BUNDLE_KEY]),
    partial_update=extend_schema(
        parameters=[BUNDLE_KEY], request=DeclarationSerializer, responses=BundleDetailSerializer
    ),
)
class BundleViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    lookup_field = "key"
    lookup_value_regex = r"[^/]+"
    serializer_class = BundleDetailSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = selectors.bundles_for(self.request.user).select_related("ward")
        params = self.request.query_params
        # A filter that is present must be valid, even when empty: "?ward=" is a mistake, not "all".
        for name, allowed in (("state", BundleState.values), ("group", Group.values)):
            if name in params:
                if params[name] not in allowed:
                    raise exceptions.ValidationError(
                        {name: [f"Giá trị không hợp lệ; chọn một trong: {', '.join(allowed)}."]}
                    )
                queryset = queryset.filter(**{name: params[name]})
        if "ward" in params:
            if not ascii_digits(params["ward"]) or len(params["ward"]) > 9:
                raise exceptions.ValidationError({"ward": ["Mã xã, phường phải là số."]})
            queryset = queryset.filter(ward_id=int(params["ward"]))
        return queryset.order_by("-created_at")

    def get_serializer_class(self):
        return BundleListSerializer if self.action == "list" else BundleDetailSerializer

    def handle_exception(self, exc):
        return _problem_for(exc) or super().handle_exception(exc)

    def initialize_request(self, request, *args, **kwargs):
        drf_request = super().initialize_request(request, *args, **kwargs)
        if self.action == "attachments":
            # Whatever the length header says, stop reading once the file passes the limit. Set
            # before anything reads the body: a session client's CSRF check parses it.
            stop_reading_past(request, limit=settings.ATTACHMENT_MAX_BYTES)
        return drf_request

    def _bundle(self) -> Bundle:
        """The bundle named in the URL, if the caller may see it (404 otherwise). Services re-read it
        under a lock, so this is a light read."""
        return selectors.bundle_get(
            user=self.request.user, key=self.kwargs["key"], queryset=selectors.bundles_for(self.request.user)
        )

    def _detail(self, bundle: Bundle) -> Response:
        timeline = selectors.bundle_timeline(bundle)
        context = {"now": timezone.now(), "timeline": list(timeline), "request": self.request}
        return Response(BundleDetailSerializer(bundle, context=context).data)

    def _summary(self, bundle: Bundle, *, status_code=status.HTTP_200_OK) -> Response:
        return Response(BundleSummarySerializer(bundle).data, status=status_code)

    @extend_schema(request=DraftStartSerializer, responses={201: BundleSummarySerializer})
    def create(self, request):
        data = dict(_valid(DraftStartSerializer, request.data))
        accepted = data.pop("privacy_notice_accepted")
        bundle = services.bundle_start(owner=request.user, data=data, privacy_notice_accepted=accepted)
        response = self._summary(bundle, status_code=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/bundles/{bundle.public_id}/"
        return response

    def retrieve(self, request, key=None):
        bundle = selectors.bundle_get(user=request.user, key=key)
        services.personal_data_viewed(bundle=bundle, actor=request.user, what="api_detail")
        return self._detail(bundle)

    def partial_update(self, request, key=None):
        bundle = self._bundle()
        serializer = DeclarationSerializer(data=request.data, context={"group": bundle.group})
        serializer.is_valid(raise_exception=True)
        return self._summary(
            services.bundle_update_draft(bundle=bundle, actor=request.user, data=serializer.validated_data)
        )

    def _act(self, service, **kwargs) -> Response:
        # The service reads the bundle under its lock within the caller's jurisdiction: one read.
        result = service(bundle=selectors.BundleKey(self.kwargs["key"]), actor=self.request.user, **kwargs)
        return self._summary(result if isinstance(result, Bundle) else result.bundle)

    def _clerk_act(self, action: str, **details) -> Response:
        """The clerk's actions go through the same dispatch as the case page's buttons."""
        result, _done = services.bundle_act(
            bundle=selectors.BundleKey(self.kwargs["key"]), actor=self.request.user, action=action, **details
        )
        return self._summary(result if isinstance(result, Bundle) else result.bundle)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "CertificateCheck",
            {
                "status": serializers.ChoiceField(CertificateStatus.choices),
                "number": serializers.CharField(),
                "message": serializers.CharField(),
            },
        ),
        parameters=[BUNDLE_KEY],
    )
    @action(detail=True, methods=["post"], url_path="check-certificate")
    def check_certificate(self, request, key=None):
        """Compare the certificate or notice number the draft names with what the facility sent, and
        fill what a matching certificate says into the parts still empty (as the filing page does)."""
        check = services.bundle_fill_from_certificate(
            bundle=selectors.BundleKey(self.kwargs["key"]), actor=request.user
        )
        return Response({"status": check.status, "number": check.number, "message": check.message()})

    @extend_schema(request=None, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY])
    @action(detail=True, methods=["post"])
    def submit(self, request, key=None):
        return self._act(services.bundle_submit)

    @extend_schema(request=ReasonSerializer, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY])
    @action(detail=True, methods=["post"])
    def withdraw(self, request, key=None):
        data = _valid(ReasonSerializer, request.data, partial=True)
        return self._act(services.bundle_withdraw, reason=data.get("reason", ""))

    @extend_schema(request=None, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY])
    @action(detail=True, methods=["post"])
    def accept(self, request, key=None):
        return self._clerk_act("accept")

    @extend_schema(
        request=SupplementRequestSerializer, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY]
    )
    @action(detail=True, methods=["post"], url_path="request-supplement")
    def request_supplement(self, request, key=None):
        data = _valid(SupplementRequestSerializer, request.data)
        return self._clerk_act("request_supplement", items=data["items"])

    @extend_schema(request=DeclarationSerializer, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY])
    @action(detail=True, methods=["post"])
    def resubmit(self, request, key=None):
        bundle = self._bundle()
        serializer = DeclarationSerializer(data=request.data or {}, context={"group": bundle.group})
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "group"}
        return self._summary(services.bundle_resubmit(bundle=bundle, actor=request.user, data=data))

    @extend_schema(request=ReasonSerializer, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY])
    @action(detail=True, methods=["post"])
    def reject(self, request, key=None):
        return self._clerk_act("reject", reason=_valid(ReasonSerializer, request.data)["reason"])

    @extend_schema(request=None, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY])
    @action(detail=True, methods=["post"])
    def register(self, request, key=None):
        return self._clerk_act("register")

    @extend_schema(request=ReasonSerializer, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY])
    @action(detail=True, methods=["post"], url_path="issue-without-personal-id")
    def issue_without_personal_id(self, request, key=None):
        return self._clerk_act(
            "issue_without_personal_id", reason=_valid(ReasonSerializer, request.data)["reason"]
        )

    @extend_schema(request=ReasonSerializer, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY])
    @action(detail=True, methods=["post"], url_path="close-partially")
    def close_partially(self, request, key=None):
        return self._clerk_act("close_partially", reason=_valid(ReasonSerializer, request.data)["reason"])

    @extend_schema(
        request=CorrectionRequestSerializer, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY]
    )
    @action(detail=True, methods=["post"], url_path="request-correction")
    def request_correction(self, request, key=None):
        bundle = self._bundle()
        data = _valid(CorrectionRequestSerializer, request.data)
        changes = _valid(DeclarationSerializer, data["changes"], context={"group": bundle.group})
        services.correction_request(
            bundle=bundle, actor=request.user, changes=_jsonable(changes), reason=data["reason"]
        )
        return self._detail(bundle)

    @extend_schema(
        request=CorrectionDecisionSerializer, responses=BundleSummarySerializer, parameters=[BUNDLE_KEY]
    )
    @action(detail=True, methods=["post"], url_path="decide-correction")
    def decide_correction(self, request, key=None):
        bundle = self._bundle()
        data = _valid(CorrectionDecisionSerializer, request.data)
        action = "approve_correction" if data["approve"] else "refuse_correction"
        services.bundle_act(bundle=bundle, actor=request.user, action=action, reason=data.get("note", ""))
        return self._detail(bundle)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentOutSerializer},
        parameters=[BUNDLE_KEY],
    )
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser])
    def attachments(self, request, key=None):
        refuse_declared_excess(request, limit=settings.ATTACHMENT_MAX_BYTES)
        bundle = selectors.BundleKey(self.kwargs["key"])
        data = _valid(AttachmentUploadSerializer, request.data)
        attachment = services.attachment_add(
            bundle=bundle, actor=request.user, kind=data["kind"], upload=data["file"]
        )
        return Response(AttachmentOutSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        responses={(200, "application/octet-stream"): bytes},
        parameters=[BUNDLE_KEY, OpenApiParameter("attachment_id", str, OpenApiParameter.PATH)],
    )
    @extend_schema(
        methods=["DELETE"],
        description="Takes back a scan the clerk has not yet been given (a draft's, or one added to "
        "answer an open supplement request); 409 otherwise.",
        responses={204: None},
        parameters=[BUNDLE_KEY, OpenApiParameter("attachment_id", str, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["get", "delete"],
        url_path=rf"attachments/(?P<attachment_id>{UUID_PATTERN})",
    )
    def attachment_file(self, request, key=None, attachment_id=None):
        if request.method == "DELETE":
            services.attachment_remove(
                bundle=selectors.BundleKey(self.kwargs["key"]),
                actor=request.user,
                attachment_id=attachment_id,
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        bundle = self._bundle()
        attachment = Attachment.objects.get(bundle=bundle, public_id=attachment_id)
        if attachment.purged_at is not None:
            return problem_response(
                status_code=status.HTTP_410_GONE,
                detail="Bản chụp đã hết thời hạn lưu trữ và đã được xoá; hồ sơ hộ tịch vẫn được lưu.",
            )
        services.personal_data_viewed(bundle=bundle, actor=request.user, what=f"attachment:{attachment.kind}")
        try:
            handle = attachment.file.open("rb")
        except (OSError, DatabaseError):
            return problem_response(
                status_code=status.HTTP_404_NOT_FOUND, detail="Tệp không còn được lưu trữ."
            )
        # Shown in the browser on request (?inline=1): only the three types recognised by content are
        # ever stored, and the sandbox keeps a crafted PDF from running anything in the portal's origin.
        inline = request.query_params.get("inline") == "1"
        response = FileResponse(
            handle,
            content_type=attachment.content_type,
            as_attachment=not inline,
            filename=f"{attachment.kind}.{attachment.file.name.rsplit('.', 1)[-1]}",
        )
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _valid(serializer_class, data, *, partial=False, context=None):
    serializer = serializer_class(data=data, partial=partial, context=context or {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _jsonable(value):
    """Validated values (dates, times) as JSON for storage in a correction request."""
    return json.loads(json.dumps(value, cls=JSONEncoder))
