import re
import uuid

from . import context

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class AuditContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when it is well-formed) and binds the
    signed-in user, so audit rows written anywhere below know who and which request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        user = getattr(request, "user", None)
        token = context.bind(
            context.AuditContext(
                request_id=request.request_id,
                ip_address=request.META.get("REMOTE_ADDR") or None,
                actor=user if user is not None and user.is_authenticated else None,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request.request_id
        return response
