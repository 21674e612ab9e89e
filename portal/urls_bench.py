"""The demo URL configuration plus the bare view `make bench` compares the API against."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from .urls import handler403, handler404, handler500  # noqa: F401
from .urls_demo import urlpatterns as demo_urlpatterns


@csrf_exempt
def bare(request):
    """Behind the same middleware as the API; answers 201 without touching the database."""
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/bare/", bare), *demo_urlpatterns]
