"""The mock coordination system over HTTP, in both payload styles (see ``..styles``), with knobs for
errors, timeouts, duplicate listings and lost acknowledgements."""

from __future__ import annotations

import json
import random
import time

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..clients import portal_time
from ..mapping import STATUS_NAMES
from .models import MockDossier, MockKnobs, MockStatus

DEFAULT_KNOBS = {
    "error_rate": 0.0,  # share of calls answered 500
    "timeout_rate": 0.0,  # share of calls answered only after timeout_seconds
    "timeout_seconds": 15.0,
    "duplicate_listing": False,  # each new dossier is listed twice
    "lose_first_ack": False,  # the first acknowledgement of each dossier is answered but forgotten
}
TERMINAL = (3, 7, 8, 10)
SALT = "mock-national-portal"


def knobs() -> dict:
    row = MockKnobs.objects.filter(pk=1).first()
    return {**DEFAULT_KNOBS, **(row.knobs if row else {})}


def _fault() -> JsonResponse | None:
    k = knobs()
    if random.random() < k["error_rate"]:  # noqa: S311 - simulation
        return JsonResponse({"status": "error", "message": "simulated failure"}, status=500)
    if random.random() < k["timeout_rate"]:  # noqa: S311
        time.sleep(k["timeout_seconds"])
    return None


def _body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _number(value) -> int:
    """A number a caller sent, or 0 for anything else (the mock answers nonsense, it does not fail)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _credentials_ok(body: dict) -> bool:
    config = settings.NATIONAL_PORTAL
    return body.get("username") == config["username"] and body.get("password") == config["password"]


def _authorised(token: str) -> bool:
    try:
        signing.TimestampSigner(salt=SALT).unsign(token, max_age=3600)
    except signing.BadSignature:
        return False
    return True


def _token() -> str:
    return signing.TimestampSigner(salt=SALT).sign("phien")


# --- what both styles do ------------------------------------------------------------------------


def _listed(ward: int) -> list[MockDossier]:
    rows = list(MockDossier.objects.filter(ward_id=ward, acknowledged_at__isnull=True).order_by("pk")[:200])
    return rows * 2 if knobs()["duplicate_listing"] else rows


def _acknowledge(code: str) -> bool:
    with transaction.atomic():
        dossier = MockDossier.objects.select_for_update().filter(code=code).first()
        if dossier is None:
            return False
        dossier.acks += 1
        if not (knobs()["lose_first_ack"] and dossier.acks == 1):
            dossier.acknowledged_at = dossier.acknowledged_at or timezone.now()
        dossier.save()
    return True


def record_status(
    *, code: str, key: str, status: int, body: dict, due_at: str = "", finished_at: str = ""
) -> str:
    """Take one status message: ``ok``, ``already`` (a known key), ``terminal``, ``unknown`` or
    ``invalid``. A dossier filed with the commune itself is registered by its first message (status 1)."""
    if not (1 <= status <= 10 and 0 < len(key) <= 120 and 0 < len(code) <= 200):
        return "invalid"
    due_at, finished_at = str(due_at)[:14], str(finished_at)[:14]
    with transaction.atomic():
        dossier = MockDossier.objects.select_for_update().filter(code=code).first()
        if dossier is None and status == 1 and body.get("maDonVi", body.get("DonViXuLy")):
            dossier = MockDossier.objects.create(
                code=code,
                procedure_code=str(body.get("maTTHC", body.get("MaTTHC", "")))[:20],
                ward_id=_number(body.get("maDonVi", body.get("DonViXuLy"))),
                acknowledged_at=timezone.now(),
                status=0,
            )
        if dossier is None:
            return "unknown"
        known = MockStatus.objects.filter(key=key).first()
        if known is not None:
            MockStatus.objects.filter(pk=known.pk).update(repeats=known.repeats + 1)
            return "already"
        if dossier.status in TERMINAL and status not in TERMINAL:
            return "terminal"
        try:
            with transaction.atomic():
                MockStatus.objects.create(dossier_code=code, key=key, status=status, body=body)
        except IntegrityError:
            return "already"
        dossier.status = status
        dossier.due_at = due_at or dossier.due_at
        dossier.finished_at = finished_at or dossier.finished_at
        dossier.save(update_fields=["status", "due_at", "finished_at"])
    return "ok"


# --- the coordination style ---------------------------------------------------------------------


def _bearer(request) -> bool:
    header = request.headers.get("Authorization", "")
    return header.startswith("Bearer ") and _authorised(header[7:])


@csrf_exempt
@require_http_methods(["POST"])
def token(request):
    if not _credentials_ok(_body(request)):
        return JsonResponse({"message": "sai tài khoản"}, status=401)
    return JsonResponse({"access_token": _token(), "expires_in": 3600})


@csrf_exempt
@require_http_methods(["GET"])
def dossiers(request):
    if not _bearer(request):
        return JsonResponse({"message": "chưa đăng nhập"}, status=401)
    if fault := _fault():
        return fault
    try:
        ward = int(request.GET.get("maDonVi", ""))
    except ValueError:
        return HttpResponseBadRequest("maDonVi")
    return JsonResponse(
        {
            "data": [
                {
                    "maHoSo": d.code,
                    "maTTHC": d.procedure_code,
                    "module": "KS" if d.procedure_code == "3.000722" else "KT",
                    "ngayTiepNhan": portal_time(d.filed_at),
                }
                for d in _listed(ward)
            ]
        }
    )


@csrf_exempt
@require_http_methods(["GET"])
def dossier(request, code: str):
    if not _bearer(request):
        return JsonResponse({"message": "chưa đăng nhập"}, status=401)
    if fault := _fault():
        return fault
    d = MockDossier.objects.filter(code=code).first()
    if d is None:
        raise Http404
    return JsonResponse(
        {
            "maHoSo": d.code,
            "maTTHC": d.procedure_code,
            "maDonVi": d.ward_id,
            "ngayTiepNhan": portal_time(d.filed_at),
            "chuHoSo": d.applicant,
            "toKhai": d.declaration.get("xml") if "xml" in d.declaration else d.declaration,
            "dinhKem": d.attachments,
        }
    )


@csrf_exempt
@require_http_methods(["POST"])
def acknowledge(request, code: str):
    if not _bearer(request):
        return JsonResponse({"message": "chưa đăng nhập"}, status=401)
    if fault := _fault():
        return fault
    if not _acknowledge(code):
        raise Http404
    return JsonResponse({"maHoSo": code, "daNhan": True})


@csrf_exempt
@require_http_methods(["POST"])
def status(request, code: str):
    if not _bearer(request):
        return JsonResponse({"message": "chưa đăng nhập"}, status=401)
    if fault := _fault():
        return fault
    body = _body(request)
    key = request.headers.get("Idempotency-Key", "")
    if not key or not isinstance(body.get("trangThai"), int) or not 1 <= body["trangThai"] <= 10:
        return JsonResponse(
            {"status": "invalid", "message": "thiếu Idempotency-Key hoặc trangThai"}, status=400
        )
    outcome = record_status(
        code=code,
        key=key,
        status=body["trangThai"],
        body=body,
        due_at=body.get("ngayHenTraMoi", ""),
        finished_at=body.get("ngayKetThucXuLy", ""),
    )
    if outcome == "unknown":
        raise Http404
    codes = {"terminal": 409, "invalid": 400}
    return JsonResponse({"status": outcome}, status=codes.get(outcome, 200))


# --- the dossier-sync style ---------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["POST"])
def login(request):
    if not _credentials_ok(_body(request)):
        return JsonResponse({"error_code": "401", "message": "sai tài khoản"})
    return JsonResponse({"error_code": 0, "session": _token()})


@csrf_exempt
@require_http_methods(["POST"])
def service(request):
    body = _body(request)
    if not _authorised(str(body.get("session", ""))):
        return JsonResponse({"error_code": "401", "message": "phiên hết hạn"})
    if fault := _fault():
        return fault
    name, data = body.get("service"), body.get("data")
    if name == "TraCuuHoSo" and isinstance(data, dict):
        return JsonResponse({"error_code": 0, "result": _sync_lookup(data)})
    if isinstance(data, list):
        data = [row for row in data if isinstance(row, dict)]
    if name == "DongBoHoSoMC" and isinstance(data, list):
        for row in data:
            if not body.get("isUpdating"):
                _acknowledge(str(row.get("MaHoSo", "")))
        return JsonResponse({"error_code": 0})
    if name == "CapNhatTienDoHoSoMC" and isinstance(data, list):
        outcomes = [
            record_status(
                code=str(row.get("MaHoSo", "")),
                key=str(body.get("idempotencyKey", "")),
                status=_number(row.get("TrangThai")),
                body={**row, "DonViXuLy": row.get("DonViXuLy"), "MaTTHC": row.get("MaTTHC")},
            )
            for row in data
        ]
        if "unknown" in outcomes or "invalid" in outcomes:
            return JsonResponse({"error_code": "404", "message": "không có hồ sơ hoặc dữ liệu không hợp lệ"})
        return JsonResponse(
            {"error_code": 0 if "ok" in outcomes else "already", "message": ",".join(outcomes)}
        )
    return JsonResponse({"error_code": "400", "message": "dịch vụ không hợp lệ"})


def _sync_lookup(data: dict) -> list[dict]:
    if "MaHoSo" in data:
        rows = MockDossier.objects.filter(code=data["MaHoSo"])
    else:
        rows = _listed(_number(data.get("MaDonVi")))
    return [
        {
            "MaHoSo": d.code,
            "MaTTHC": d.procedure_code,
            "DonViXuLy": d.ward_id,
            "NgayTiepNhan": portal_time(d.filed_at),
            "ChuHoSo": d.applicant.get("hoTen", ""),
            "SoGiayToChuHoSo": d.applicant.get("soDinhDanh", ""),
            "NgaySinhChuHoSo": d.applicant.get("ngaySinh", ""),
            "GioiTinhChuHoSo": d.applicant.get("gioiTinh", ""),
            "MucDinhDanh": d.applicant.get("mucDinhDanh"),
            "TaiKhoanDuocXacThucVoiVNeID": 1 if (d.applicant.get("mucDinhDanh") or 0) >= 2 else 0,
            "DuLieuToKhai": d.declaration.get("xml") if "xml" in d.declaration else d.declaration,
            "TaiLieuNop": [
                {
                    "MaLoaiGiayTo": a.get("loaiGiayTo"),
                    "TenTepDinhKem": a.get("tenTep"),
                    "NoiDung": a.get("noiDung"),
                }
                for a in d.attachments
            ],
        }
        for d in rows
    ]


# --- for the demo and the tests -----------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "PUT"])
def knobs_view(request):
    if request.method == "PUT":
        values = _body(request)
        unknown = set(values) - set(DEFAULT_KNOBS)
        if unknown:
            return JsonResponse({"message": f"unknown knobs: {', '.join(sorted(unknown))}"}, status=400)
        MockKnobs.objects.update_or_create(pk=1, defaults={"knobs": values})
    return JsonResponse(knobs())


def history(request):
    """Each dossier's status history, newest dossier first, as the national portal shows it."""
    rows = list(MockDossier.objects.order_by("-filed_at")[:100])
    statuses: dict[str, list[MockStatus]] = {}
    for s in MockStatus.objects.filter(dossier_code__in=[d.code for d in rows]):
        s.name = STATUS_NAMES.get(s.status, "")
        # The two styles name the progress record's fields differently.
        s.text = s.body.get("noiDungXuLy") or s.body.get("NoiDungXuLy") or ""
        s.handler = s.body.get("nguoiXuLy") or s.body.get("NguoiXuLy") or ""
        statuses.setdefault(s.dossier_code, []).append(s)
    dossiers_shown = [{"dossier": d, "statuses": statuses.get(d.code, [])} for d in rows]
    return render(request, "national_portal_mock/history.html", {"dossiers": dossiers_shown})
