"""OpenAPI generation: every operation declares the problem-details answers it can give."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

PROBLEM_STATUSES = ("400", "401", "403", "404", "405", "409", "413", "415", "429")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Thông báo lỗi theo từng trường (đường dẫn trường có dấu chấm).",
    )
    allowed_actions = serializers.ListField(child=serializers.CharField(), required=False)


class ProblemAwareAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status_code in PROBLEM_STATUSES:
            responses.setdefault(
                status_code,
                self._get_response_for_code(
                    ProblemSerializer, status_code, ("application/problem+json",), direction
                ),
            )
        return responses


def strict_request_bodies(result, generator, request, public):
    """Request bodies refuse unknown keys (a typo must not lose data): say so in the schema, so clients
    and fuzzers know an extra key is an error, not something ignored."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component.setdefault("additionalProperties", False)
    return result
