from django.conf import settings

from portal.accounts.rules import can_use_back_office


def portal(request):
    user = getattr(request, "user", None)
    return {
        "demo_mode": getattr(settings, "DEMO_MODE", False),
        "is_back_office": can_use_back_office(user),
    }
