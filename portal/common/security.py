"""The Content-Security-Policy header: scripts, styles, images and forms from the portal itself only,
no inline script or style, no framing. Django 5.2 has no built-in CSP, so one small middleware."""

from __future__ import annotations

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response  # a view chose a stricter one (served attachments are sandboxed)
        policy = settings.CONTENT_SECURITY_POLICY
        for prefix, relaxed in settings.CONTENT_SECURITY_POLICY_EXCEPTIONS.items():
            if request.path.startswith(prefix):
                policy = relaxed
                break
        response["Content-Security-Policy"] = policy
        return response
