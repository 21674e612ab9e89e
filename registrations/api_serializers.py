"""What the bundle API answers: a bundle in a list, after an action, and in full."""

from __future__ import annotations

from rest_framework import serializers

from . import services
from .constants import StepState
from .declaration import declaration_of
from .models import Bundle


class StepOutSerializer(serializers.Serializer):
    procedure = serializers.CharField()
    agency = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    depends_on = serializers.ListField(child=serializers.CharField())
    due_since = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    attempts = serializers.IntegerField()
    result = serializers.DictField()
    reason = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)

    def get_overdue(self, step) -> bool:
        now = self.context["now"]
        return bool(step.deadline and step.state != StepState.DONE and step.deadline < now)


class AttachmentOutSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="occurred_at")
    action = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    data = serializers.DictField()


class BundleListSerializer(serializers.ModelSerializer):
    """A bundle as lists show it: its code, state, procedures and appointment date."""

    id = serializers.UUIDField(source="public_id")
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Bundle
        fields = [
            "id",
            "code",
            "group",
            "state",
            "state_label",
            "ward",
            "procedures",
            "submitted_at",
            "due_at",
            "late_registration",
            "created_at",
        ]


class BundleSummarySerializer(BundleListSerializer):
    """What an action answers: the bundle's new state and what may happen next (the receipt after
    submission: its code and appointment date). The full detail is one GET away."""

    allowed_actions = serializers.SerializerMethodField()

    class Meta(BundleListSerializer.Meta):
        fields = [
            *BundleListSerializer.Meta.fields,
            "registration_number",
            "registration_book",
            "allowed_actions",
        ]

    def get_allowed_actions(self, bundle) -> list[str]:
        return services.allowed_actions(bundle)


class BundleDetailSerializer(BundleListSerializer):
    """A bundle in full: the declaration, each agency's step, the attachments and the history."""

    declaration = serializers.SerializerMethodField()
    steps = StepOutSerializer(many=True)
    attachments = AttachmentOutSerializer(many=True)
    timeline = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    possible_duplicate_of = serializers.SlugRelatedField(slug_field="code", read_only=True)
    catalogue_version = serializers.SlugRelatedField(slug_field="code", read_only=True)
    supplement_request = serializers.SerializerMethodField()

    class Meta(BundleListSerializer.Meta):
        fields = [
            *BundleListSerializer.Meta.fields,
            "catalogue_version",
            "clock_started_at",
            "registration_number",
            "registration_book",
            "registered_at",
            "signed_at",
            "completed_at",
            "closed_reason",
            "extract_without_personal_id",
            "possible_duplicate_of",
            "declaration",
            "steps",
            "attachments",
            "supplement_request",
            "allowed_actions",
            "timeline",
        ]

    def get_declaration(self, bundle) -> dict:
        return declaration_of(bundle)

    def get_timeline(self, bundle) -> list[dict]:
        events = self.context["timeline"]
        return TimelineEntrySerializer(events, many=True).data

    def get_allowed_actions(self, bundle) -> list[str]:
        return services.allowed_actions(bundle)

    def get_supplement_request(self, bundle) -> dict | None:
        open_requests = [
            s for s in bundle.supplements.all() if s.answered_at is None and s.expired_at is None
        ]
        if not open_requests:
            return None
        request = open_requests[0]
        return {"items": request.items, "due_at": request.due_at, "requested_at": request.requested_at}
