"""The provincial dashboard: a page, its CSV export and the same figures as JSON. Scoped to the
province of the signed-in staff member (administrators choose any); no personal data in any of them."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.common.problems import problem_response
from registrations.constants import BundleState, Group
from registrations.models import PROCEDURE_LABELS, AgencyName

from . import selectors, services
from .charts import trend_svg
from .forms import DashboardFilterForm
from .templatetags.dashboard import days, percent

STAFF_LOGIN = "accounts:staff-login"
API_RANKING_PAGE = 200


def _form(request, params: dict) -> tuple[DashboardFilterForm, int | None]:
    """The filters as given (the last 30 days when no period is chosen), within the user's scope."""
    province = selectors.province_scope(request.user)
    return DashboardFilterForm(params, province=province), province


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return gettext("≤ %(n)d giây") % {"n": seconds}
    if seconds < 3600:
        return gettext("≤ %(n)d phút") % {"n": round(seconds / 60)}
    if seconds < 86400:
        return gettext("≤ %(n)d giờ") % {"n": round(seconds / 3600)}
    return gettext("≤ %(n)d ngày") % {"n": round(seconds / 86400)}


def _labelled(flows: dict, waiting: dict) -> dict:
    """Labels for the page, and each agency row joined with what that agency holds open right now."""
    today = timezone.localdate()
    open_steps = {(r["agency"], r["procedure"]): r for r in waiting["steps_by_agency"]}
    known = {(r["agency"], r["procedure"]) for r in flows["agencies"]}
    for key in sorted(set(open_steps) - known):  # open work on a procedure with no result in the range
        flows["agencies"].append({"agency": key[0], "procedure": key[1], "done": 0, "failed": 0,
                                  "success_rate": None, "retries": 0, "p50_seconds": None,
                                  "p95_seconds": None, "p95_open": False})  # fmt: skip
    for row in flows["agencies"]:
        counts = open_steps.get((row["agency"], row["procedure"]), {})
        row["open_accepted"], row["open_dead"] = counts.get("accepted", 0), counts.get("dead", 0)
        row["agency_label"] = AgencyName.objects.name_for(agency=row["agency"], day=today)
        row["procedure_label"] = PROCEDURE_LABELS.get(row["procedure"], row["procedure"])
        row["p50_label"] = duration(row["p50_seconds"])
        row["p95_label"] = gettext("> 6 ngày") if row["p95_open"] else duration(row["p95_seconds"])
    for row in flows["by_procedure"]:
        row["procedure_label"] = PROCEDURE_LABELS.get(row["procedure"], row["procedure"])
        row["group_label"] = dict(Group.choices).get(row["group"], row["group"])
    return flows


@login_required(login_url=STAFF_LOGIN)
def dashboard(request):
    form, _province = _form(request, request.GET.dict())
    if not form.is_valid():
        return render(request, "dashboard/index.html", {"form": form}, status=400)
    filters, now = form.filters(), timezone.now()
    ranking = selectors.ward_ranking(filters, now=now, order=form.order())
    waiting = selectors.waiting(filters, now=now)
    flows = _labelled(selectors.flows(filters), waiting)
    states = dict(BundleState.choices)
    query = request.GET.copy()
    query.pop("xep", None)
    query.pop("trang", None)
    return render(
        request,
        "dashboard/index.html",
        {
            "form": form,
            "filters": filters,
            "flows": flows,
            "waiting": waiting,
            "facilities": selectors.facilities(filters, now=now),
            "backlog": [(states[s], n) for s, n in waiting["backlog"].items()],
            "ranking": Paginator(ranking, 50).get_page(request.GET.get("trang")),
            "order": form.order(),
            "query": query.urlencode(),
            "chart": trend_svg(flows["trend"]),
            "refreshed_to": services.provinces_refreshed_to(),
            "national": _national_portal(filters, now),
        },
    )


def _national_portal(filters, now) -> dict:
    """The national portal sync of the chosen province (or ward): what waits, since when, what failed."""
    from interconnect.national_portal.selectors import connector_health

    wards = [filters.ward] if filters.ward else selectors.wards_of(filters.province)
    health = connector_health(wards=wards)
    lag = health.lag_seconds(now)
    return {
        "health": health,
        "lag_label": duration(int(lag)) if lag is not None else "—",
        "pull_at": health.last_pull.succeeded_at if health.last_pull else None,
    }


def _ranking_header() -> list[str]:
    """The CSV's columns, named as the page's ranking table names them."""
    return [
        gettext("Hạng"),
        gettext("Mã xã, phường"),
        gettext("Xã, phường"),
        gettext("Tỉnh, thành phố"),
        gettext("Tiếp nhận"),
        gettext("Hoàn thành"),
        gettext("Đúng hạn"),
        gettext("Trung vị (ngày)"),
        gettext("Đăng ký muộn"),
        gettext("Giấy điện tử"),
        gettext("Quá hạn"),
    ]


@login_required(login_url=STAFF_LOGIN)
def export_csv(request):
    form, _province = _form(request, request.GET.dict())
    if not form.is_valid():
        return HttpResponse(
            gettext("Bộ lọc không hợp lệ."), status=400, content_type="text/plain; charset=utf-8"
        )
    filters = form.filters()
    ranking = selectors.ward_ranking(filters, now=timezone.now(), order=form.order())
    services.export_recorded(actor=request.user, filters=filters, rows=len(ranking))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="so-lieu-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"'
    )
    response.write("\ufeff")  # so spreadsheet software reads the Vietnamese letters as UTF-8
    writer = csv.writer(response)
    writer.writerow(_ranking_header())
    # The same figures, written the same way, as on the page: "87,3 %", "≥ 10", "—" for no data.
    for rank, row in enumerate(ranking, start=1):
        writer.writerow(
            [
                rank,
                row["ward"],
                row["name"],
                row["province"],
                row["received"],
                row["completed"],
                percent(row["on_time_rate"]),
                days(row["median_days"]),
                percent(row["late_share"]),
                percent(row["e_certificate_share"]),
                row["overdue"],
            ]
        )
    return response


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


class DashboardApiView(APIView):
    """The dashboard's figures as JSON, with the page's filters (no personal data)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("ky", str, enum=["hom-nay", "7-ngay", "30-ngay", "tuy-chon"]),
            OpenApiParameter("tu", OpenApiTypes.DATE),
            OpenApiParameter("den", OpenApiTypes.DATE),
            OpenApiParameter("tinh", int),
            OpenApiParameter("xa", int),
            OpenApiParameter("nhom", str, enum=["birth", "death"]),
            OpenApiParameter("xep", str, enum=list(selectors.RANKING_COLUMNS)),
            OpenApiParameter("trang", int, description="Trang của bảng xếp hạng (200 xã, phường mỗi trang)."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        try:
            form, _province = _form(request, request.query_params.dict())
        except PermissionDenied as exc:
            return problem_response(status_code=403, detail=str(exc))
        if not form.is_valid():
            errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            return problem_response(status_code=400, detail="Bộ lọc không hợp lệ.", errors=errors)
        filters, now = form.filters(), timezone.now()
        flows = selectors.flows(filters)
        wards = Paginator(selectors.ward_ranking(filters, now=now, order=form.order()), API_RANKING_PAGE)
        page = wards.get_page(request.query_params.get("trang"))
        return Response(
            _jsonable(
                {
                    "filters": {
                        "start": filters.start,
                        "end": filters.end,
                        "province": filters.province,
                        "ward": filters.ward,
                        "group": filters.group,
                    },
                    **flows,
                    "waiting": selectors.waiting(filters, now=now),
                    "facilities": selectors.facilities(filters, now=now),
                    "wards": list(page),
                    "wards_page": {"number": page.number, "pages": wards.num_pages, "total": wards.count},
                }
            )
        )
