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
