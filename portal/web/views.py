from django.http import JsonResponse
from django.shortcuts import render

from portal.common.problems import PROBLEM_CONTENT_TYPE

from .decorators import back_office_required

API_PREFIX = "/api/"


def home(request):
    return render(request, "web/home.html")


@back_office_required
def staff_home(request):
    return render(request, "web/staff_home.html")


def _api_problem(status: int, title: str, detail: str) -> JsonResponse:
    """Errors raised before any API view runs (an unknown path, a crash) still answer the API's way."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def forbidden(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return _api_problem(403, "Không có quyền", str(exception or "Không có quyền truy cập."))
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return _api_problem(404, "Không tìm thấy", "Không có tài nguyên nào ở địa chỉ này.")
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return _api_problem(
            500, "Lỗi máy chủ", "Đã có lỗi; yêu cầu chưa được thực hiện. Vui lòng thử lại sau."
        )
    return render(request, "500.html", status=500)
