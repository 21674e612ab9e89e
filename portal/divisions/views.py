from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .selectors import ward_search


@require_GET
def ward_suggestions(request):
    """Suggestions for the ward picker: public division names only, at most 15 per query."""
    text = request.GET.get("q", "")[:100]
    results = [{"code": code, "label": label} for code, label in ward_search(text)]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "public, max-age=3600"
    return response
