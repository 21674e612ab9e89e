"""The two payload styles known from public integrations, behind one interface:

- ``coordination``: the interconnection software's client. A token login; the new dossiers of a ward
  ``{maHoSo, maTTHC, module, ngayTiepNhan}``; a dossier's detail (declaration and attachments); an
  acknowledgement ``{maHoSo, daNhan: true}``; a status push ``{maHoSo, trangThai, thoiGianThucHien,
  nguoiXuLy, chucDanh, phongBanXuLy, noiDungXuLy, ngayHenTraTruoc, ngayHenTraMoi, hanBoSungHoSo,
  ketQuaXuLy}``.
- ``sync``: the portal's dossier-sync services. A session login, then one endpoint taking a ``service``
  field: ``DongBoHoSoMC`` (the dossier with its TrangThaiHoSo; ``isUpdating`` once it is known there),
  ``CapNhatTienDoHoSoMC`` (a progress record), ``TraCuuHoSo`` (look-ups); replies carry ``error_code``
  0 when taken.
"""

from __future__ import annotations

from django.conf import settings

from .clients import (
    STYLES,
    Applicant,
    Dossier,
    DossierRef,
    PortalClient,
    PortalRefused,
    PortalUnavailable,
    PushAnswer,
    decode_file,
    parse_portal_time,
    portal_time,
    register,
)

# Answers that mean "the portal has this already": the message is delivered.
ALREADY = ("already", "da_ton_tai", "duplicate")


def _applicant(owner: dict, level) -> Applicant:
    try:
        eid_level = int(level) if level not in (None, "") else None
    except (TypeError, ValueError):
        eid_level = None
    return Applicant(
        id_number=str(owner.get("soDinhDanh") or owner.get("SoDinhDanh") or ""),
        full_name=str(owner.get("hoTen") or owner.get("HoTen") or ""),
        date_of_birth=str(owner.get("ngaySinh") or owner.get("NgaySinh") or ""),
        sex=str(owner.get("gioiTinh") or owner.get("GioiTinh") or ""),
        eid_level=eid_level,
    )


def _files(items, *, kind_key: str, name_key: str, content_key: str) -> tuple[list, dict]:
    files, problems = [], {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        item = item if isinstance(item, dict) else {}
        content = decode_file(item.get(content_key, ""))
        if content is None:
            problems[f"attachments.{index}"] = ["Tệp đính kèm không đọc được (không phải base64)."]
            continue
        files.append((str(item.get(kind_key, "")), str(item.get(name_key, "tep"))[:100], content))
    return files, problems


def _ward(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@register
class CoordinationClient(PortalClient):
    style = "coordination"

    def _token(self, *, renew: bool = False) -> str:
        if renew or not getattr(self._local, "token", ""):
            answer = self._send(
                "POST",
                self.config["paths"]["token"],
                json={"username": self.config["username"], "password": self.config["password"]},
            )
            if answer.status_code != 200:
                raise PortalRefused(f"Đăng nhập Cổng Dịch vụ công không được (HTTP {answer.status_code}).")
            self._local.token = str(self._json(answer).get("access_token", ""))
        return self._local.token

    def _call(self, method: str, path: str, *, headers: dict | None = None, **kwargs):
        for renew in (False, True):
            signed = {**(headers or {}), "Authorization": f"Bearer {self._token(renew=renew)}"}
            answer = self._send(method, path, headers=signed, **kwargs)
            if answer.status_code != 401:
                return answer
        raise PortalRefused("Cổng Dịch vụ công từ chối phiên đăng nhập.")

    def new_dossiers(self, *, ward_id: int) -> list[DossierRef]:
        answer = self._call("GET", self.config["paths"]["dossiers"], params={"maDonVi": ward_id})
        if answer.status_code != 200:
            raise PortalRefused(f"HTTP {answer.status_code}")
        rows = self._json(answer)
        rows = rows.get("data", []) if isinstance(rows, dict) else rows
        return [
            DossierRef(str(r.get("maHoSo", "")), str(r.get("maTTHC", "")), str(r.get("ngayTiepNhan", "")))
            for r in rows
            if isinstance(r, dict) and r.get("maHoSo")
        ]

    def dossier(self, *, code: str) -> Dossier:
        answer = self._call("GET", f"{self.config['paths']['dossiers']}/{code}")
        if answer.status_code != 200:
            raise PortalRefused(f"HTTP {answer.status_code}")
        raw = self._json(answer)
        raw = raw if isinstance(raw, dict) else {}
        owner = raw.get("chuHoSo") if isinstance(raw.get("chuHoSo"), dict) else {}
        files, problems = _files(
            raw.get("dinhKem"), kind_key="loaiGiayTo", name_key="tenTep", content_key="noiDung"
        )
        return Dossier(
            code=code,  # the code it was asked by: the one it is kept and acknowledged under
            procedure_code=str(raw.get("maTTHC", "")),
            ward_id=_ward(raw.get("maDonVi")),
            submitted_at=parse_portal_time(raw.get("ngayTiepNhan", "")),
            applicant=_applicant(owner, owner.get("mucDinhDanh")),
            declaration=raw.get("toKhai"),
            attachments=files,
            problems=problems,
        )

    def acknowledge(self, *, code: str) -> None:
        answer = self._call(
            "POST", f"{self.config['paths']['dossiers']}/{code}/ack", json={"maHoSo": code, "daNhan": True}
        )
        if answer.status_code not in (200, 204):
            raise PortalUnavailable(f"HTTP {answer.status_code}")

    def push(self, *, message: dict) -> PushAnswer:
        handler = message.get("handler") or {}
        body = {
            "maHoSo": message["dossier"],
            "maTTHC": message.get("procedure_code", ""),
            "maDonVi": message.get("ward") or "",
            "trangThai": message["status"],
            "thoiGianThucHien": portal_time(message["occurred_at"]),
            "nguoiXuLy": handler.get("name", ""),
            "chucDanh": handler.get("title", ""),
            "phongBanXuLy": handler.get("department", ""),
            "noiDungXuLy": message["text"],
            "ngayHenTraTruoc": portal_time(message.get("promised_before")),
            "ngayHenTraMoi": portal_time(message.get("due_at")),
            "hanBoSungHoSo": portal_time(message.get("supplement_due")),
            "ngayKetThucXuLy": portal_time(message.get("finished_at")),
            "ketQuaXuLy": [
                {"maKetQua": r["code"], "duongDanTepTinKetQua": r["url"]} for r in message["results"]
            ],
        }
        answer = self._call(
            "POST",
            f"{self.config['paths']['dossiers']}/{message['dossier']}/status",
            json=body,
            headers={"Idempotency-Key": message["key"]},
        )
        reply = self._json(answer) if answer.content else {}
        reply = reply if isinstance(reply, dict) else {}
        if answer.status_code in (200, 201, 202) or reply.get("status") in ALREADY:
            return PushAnswer(True, str(reply.get("status", "")))
        if answer.status_code == 409 and reply.get("status") in (*ALREADY, "terminal"):
            return PushAnswer(True, str(reply.get("status")))
        raise PortalRefused(f"HTTP {answer.status_code}: {str(reply.get('message', ''))[:300]}")


@register
class SyncClient(PortalClient):
    style = "sync"

    def _session(self, *, renew: bool = False) -> str:
        if renew or not getattr(self._local, "session_id", ""):
            answer = self._send(
                "POST",
                self.config["paths"]["login"],
                json={"username": self.config["username"], "password": self.config["password"]},
            )
            reply = self._json(answer) if answer.status_code == 200 else {}
            if not isinstance(reply, dict) or str(reply.get("error_code")) != "0":
                raise PortalRefused("Đăng nhập dịch vụ đồng bộ của Cổng Dịch vụ công không được.")
            self._local.session_id = str(reply.get("session", ""))
        return self._local.session_id

    def _service(self, service: str, **fields) -> dict:
        for renew in (False, True):
            body = {"session": self._session(renew=renew), "service": service, **fields}
            answer = self._send("POST", self.config["paths"]["service"], json=body)
            reply = self._json(answer)
            reply = reply if isinstance(reply, dict) else {}
            code = str(reply.get("error_code", ""))
            if code == "0":
                return reply
            if code in ("401", "session_expired") and not renew:
                continue
            if code in ALREADY:
                return reply
            raise PortalRefused(f"{service}: error_code {code}: {str(reply.get('message', ''))[:300]}")
        raise PortalRefused(f"{service}: phiên đăng nhập không được chấp nhận.")

    def new_dossiers(self, *, ward_id: int) -> list[DossierRef]:
        reply = self._service("TraCuuHoSo", data={"MaDonVi": ward_id, "TrangThaiHoSo": 1})
        return [
            DossierRef(str(r.get("MaHoSo", "")), str(r.get("MaTTHC", "")), str(r.get("NgayTiepNhan", "")))
            for r in reply.get("result") or []
            if isinstance(r, dict) and r.get("MaHoSo")
        ]

    def dossier(self, *, code: str) -> Dossier:
        rows = self._service("TraCuuHoSo", data={"MaHoSo": code}).get("result") or [{}]
        raw = rows[0] if isinstance(rows[0], dict) else {}
        owner = {
            "SoDinhDanh": raw.get("SoGiayToChuHoSo", ""),
            "HoTen": raw.get("ChuHoSo", ""),
            "NgaySinh": raw.get("NgaySinhChuHoSo", ""),
            "GioiTinh": raw.get("GioiTinhChuHoSo", ""),
        }
        files, problems = _files(
            raw.get("TaiLieuNop"), kind_key="MaLoaiGiayTo", name_key="TenTepDinhKem", content_key="NoiDung"
        )
        return Dossier(
            code=code,
            procedure_code=str(raw.get("MaTTHC", "")),
            ward_id=_ward(raw.get("DonViXuLy")),
            submitted_at=parse_portal_time(raw.get("NgayTiepNhan", "")),
            applicant=_applicant(
                owner, raw.get("MucDinhDanh") or (2 if raw.get("TaiKhoanDuocXacThucVoiVNeID") else None)
            ),
            declaration=raw.get("DuLieuToKhai"),
            attachments=files,
            problems=problems,
        )

    def acknowledge(self, *, code: str) -> None:
        # The dossier is now in the one-stop system ("MC"): its first DongBoHoSoMC, not yet updating.
        self._service("DongBoHoSoMC", isUpdating=False, data=[{"MaHoSo": code, "TrangThaiHoSo": 1}])

    def push(self, *, message: dict) -> PushAnswer:
        handler = message.get("handler") or {}
        dossier = {
            "MaHoSo": message["dossier"],
            "MaTTHC": message.get("procedure_code", ""),
            "TenTTHC": message.get("procedure_title", ""),
            "TrangThaiHoSo": message["status"],
            "NgayHenTra": portal_time(message.get("due_at")),
            "NgayKetThucXuLy": portal_time(message.get("finished_at")),
            "NgayTra": portal_time(message["occurred_at"]) if message["status"] == 10 else "",
            "KenhThucHien": 2,
            "DonViXuLy": message.get("ward") or "",
            "DanhSachHoSoBoSung": [
                {"NgayHenTraTruoc": portal_time(message.get("promised_before")),
                 "NgayHenTraMoi": portal_time(message.get("due_at"))}
            ] if message.get("promised_before") else [],
            "DanhSachGiayToKetQua": [
                {"MaKetQua": r["code"], "DuongDanTepTinKetQua": r["url"]} for r in message["results"]
            ],
        }  # fmt: skip
        progress = {
            "MaHoSo": message["dossier"],
            "MaTTHC": message.get("procedure_code", ""),
            "DonViXuLy": message.get("ward") or "",
            "NguoiXuLy": handler.get("name", ""),
            "ChucDanh": handler.get("title", ""),
            "ThoiDiemXuLy": portal_time(message["occurred_at"]),
            "PhongBanXuLy": handler.get("department", ""),
            "NoiDungXuLy": message["text"],
            "TrangThai": message["status"],
            "NgayBatDau": portal_time(message.get("started_at")),
            "NgayKetThucTheoQuyDinh": portal_time(message.get("due_at")),
        }
        key = {"idempotencyKey": message["key"]}
        self._service("DongBoHoSoMC", isUpdating=True, data=[dossier], **key)
        reply = self._service("CapNhatTienDoHoSoMC", data=[progress], **key)
        return PushAnswer(True, str(reply.get("message", "")))


_clients: dict[str, PortalClient] = {}


def portal_client() -> PortalClient:
    """The configured style's client, one per process (it keeps its login and connections)."""
    config = settings.NATIONAL_PORTAL
    key = f"{config['style']}:{config['base_url']}:{config['username']}"
    if key not in _clients:
        try:
            _clients[key] = STYLES[config["style"]](config)
        except KeyError:
            raise ValueError(f"NATIONAL_PORTAL_STYLE: {config['style']!r} is not a known style") from None
    return _clients[key]
