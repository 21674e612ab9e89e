import sys

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils import timezone

from portal.accounts.decorators import back_office_required
from portal.common.indoubt import failed_while_committing
from portal.common.problems import problem_json
from registrations import selectors

API_PREFIX = "/api/"


def home(request):
    return render(request, "web/home.html", {"limits": selectors.time_limits_on(timezone.localdate())})


@back_office_required
def staff_home(request):
    return render(request, "web/staff_home.html")


# A database that cannot be reached (or a transaction it broke off) is temporary: the client is told to
# try again, not that the portal is broken. Whatever the request was doing was rolled back with it.
UNAVAILABLE_RETRY_SECONDS = 30


def forbidden(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return problem_json(status_code=403, detail=str(exception or "Không có quyền truy cập."))
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return problem_json(status_code=404, detail="Không có tài nguyên nào ở địa chỉ này.")
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this inside its exception handler, so the exception is at hand.
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return service_unavailable(request, in_doubt=failed_while_committing(error))
    if request.path.startswith(API_PREFIX):
        return problem_json(
            status_code=500, detail="Đã có lỗi; yêu cầu chưa được thực hiện. Vui lòng thử lại sau."
        )
    return render(request, "500.html", status=500)


IN_DOUBT_TITLE = "Chưa rõ kết quả"
IN_DOUBT = (
    "Kết nối tới cơ sở dữ liệu bị ngắt đúng lúc ghi: yêu cầu có thể đã được ghi nhận. Sau khoảng "
    f"{UNAVAILABLE_RETRY_SECONDS} giây, xem lại hồ sơ trước khi gửi lại (nộp lại một hồ sơ đã nộp "
    "không tạo hồ sơ thứ hai)."
)


def service_unavailable(request, *, in_doubt: bool = False):
    """503. Rolled back unless ``in_doubt``: the COMMIT itself was broken off, so the server may have
    kept the change; the client is told to look before trying again, not that nothing happened."""
    headers = {"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)}
    if request.path.startswith(API_PREFIX):
        return problem_json(
            status_code=503,
            detail=IN_DOUBT
            if in_doubt
            else (
                "Cơ sở dữ liệu tạm thời không truy cập được; yêu cầu chưa được thực hiện và không có gì "
                f"được lưu dở. Vui lòng gửi lại sau khoảng {UNAVAILABLE_RETRY_SECONDS} giây."
            ),
            title=IN_DOUBT_TITLE if in_doubt else None,
            headers=headers,
        )
    # Rendered without the base layout: it would ask the database for the signed-in user.
    context = {"retry": UNAVAILABLE_RETRY_SECONDS, "in_doubt": IN_DOUBT if in_doubt else ""}
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = headers["Retry-After"]
    return response
