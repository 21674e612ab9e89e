"""How the authorization matrix calls each route: the method, and the path (and body) for the own or
the foreign set of objects. Keyed by route, so a route added to the portal without a line here fails."""

from __future__ import annotations

import uuid

from django.utils.http import urlsafe_base64_encode

from registrations.api import UUID_PATTERN

ATTACHMENT_ROUTE = f"api/v1/^bundles/(?P<key>[^/]+)/attachments/(?P<attachment_id>{UUID_PATTERN})/$"

# route → (method, path built from the objects, body). POST bodies go as JSON to the API and as a form
# elsewhere; UPLOAD is a multipart POST carrying a small valid PDF as "file".
REQUESTS = {
    "": ("GET", lambda o: "/", None),
    "api/docs/": ("GET", lambda o: "/api/docs/", None),
    "api/schema/": ("GET", lambda o: "/api/schema/", None),
    "api/v1/schema/": ("GET", lambda o: "/api/v1/schema/", None),
    "api/v1/^bundles/$": ("GET", lambda o: "/api/v1/bundles/", None),
    "api/v1/^bundles/(?P<key>[^/]+)/$": ("GET", lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/", None),
    "api/v1/^bundles/(?P<key>[^/]+)/accept/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].code}/accept/",
        {},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/attachments/$": (
        "UPLOAD",
        lambda o: f"/api/v1/bundles/{o['draft'].public_id}/attachments/",
        {"kind": "other"},
    ),
    ATTACHMENT_ROUTE: (
        "GET",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/attachments/{o['attachment'].public_id}/",
        None,
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/close-partially/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/close-partially/",
        {"reason": "Thử"},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/decide-correction/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/decide-correction/",
        {"approve": True},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/issue-without-personal-id/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/issue-without-personal-id/",
        {"reason": "Thử"},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/register/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/register/",
        {},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/reject/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/reject/",
        {"reason": "Thử"},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/request-correction/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/request-correction/",
        {"changes": {"child": {"full_name": "Nguyễn Minh Khang"}}, "reason": "Sai chính tả"},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/request-supplement/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/request-supplement/",
        {"items": [{"field": "child.full_name", "reason": "Thử"}]},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/resubmit/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/resubmit/",
        {},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/check-certificate/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['draft'].public_id}/check-certificate/",
        {},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/submit/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['draft'].public_id}/submit/",
        {},
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/withdraw/$": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/withdraw/",
        {},
    ),
    "api/v1/auth/token/": ("POST", lambda o: "/api/v1/auth/token/", {"username": "nobody", "password": "x"}),
    "api/v1/bundles/<str:key>/steps/<str:procedure>/replay/": (
        "POST",
        lambda o: f"/api/v1/bundles/{o['bundle'].public_id}/steps/personal_id/replay/",
        {},
    ),
    "api/v1/dashboard/": ("GET", lambda o: "/api/v1/dashboard/", None),
    "api/v1/hospital/birth-certificates/": ("POST", lambda o: "/api/v1/hospital/birth-certificates/", {}),
    "api/v1/hospital/birth-certificates/<str:number>/correction/": (
        "POST",
        lambda o: "/api/v1/hospital/birth-certificates/GCS-1/correction/",
        {},
    ),
    "api/v1/hospital/death-notices/": ("GET", lambda o: "/api/v1/hospital/death-notices/", None),
    "api/v1/hospital/death-notices/<str:number>/correction/": (
        "POST",
        lambda o: "/api/v1/hospital/death-notices/GBT-1/correction/",
        {},
    ),
    "api/v1/interconnect/callbacks/<str:agency>/": (
        "POST",
        lambda o: "/api/v1/interconnect/callbacks/police/",
        {},
    ),
    "can-bo/": ("GET", lambda o: "/can-bo/", None),
    "can-bo/ho-so/": ("GET", lambda o: "/can-bo/ho-so/", None),
    "can-bo/ho-so/<uuid:key>/": ("GET", lambda o: f"/can-bo/ho-so/{o['bundle'].public_id}/", None),
    "can-bo/ho-so/<uuid:key>/<str:action>/": (
        "POST",
        lambda o: f"/can-bo/ho-so/{o['bundle'].public_id}/accept/",
        {"confirm": "1"},
    ),
    "can-bo/ho-so/<uuid:key>/cong-dvc/gui-lai/": (
        "POST",
        lambda o: f"/can-bo/ho-so/{o['bundle'].public_id}/cong-dvc/gui-lai/",
        {"confirm": "1"},
    ),
    "can-bo/tai-khoan/": ("GET", lambda o: "/can-bo/tai-khoan/", None),
    "can-bo/tai-khoan/<int:pk>/vo-hieu-hoa/": (
        "POST",
        lambda o: f"/can-bo/tai-khoan/{o['staff'].pk}/vo-hieu-hoa/",
        {},
    ),
    "can-bo/tim-kiem/": ("POST", lambda o: "/can-bo/tim-kiem/", {"q": "Khôi"}),
    "can-bo/nop-thay/": ("GET", lambda o: "/can-bo/nop-thay/", None),
    "can-bo/nop-thay/<int:pk>/": ("GET", lambda o: f"/can-bo/nop-thay/{o['counter_check'].pk}/", None),
    "dia-gioi/xa-phuong/": ("GET", lambda o: "/dia-gioi/xa-phuong/?q=vinh", None),
    "du-lieu-ca-nhan/": ("GET", lambda o: "/du-lieu-ca-nhan/", None),
    "du-lieu-ca-nhan/tai-ve/": ("GET", lambda o: "/du-lieu-ca-nhan/tai-ve/", None),
    "healthz": ("GET", lambda o: "/healthz", None),
    "ho-so-cua-toi/": ("GET", lambda o: "/ho-so-cua-toi/", None),
    "ho-so-cua-toi/<uuid:key>/": ("GET", lambda o: f"/ho-so-cua-toi/{o['bundle'].public_id}/", None),
    "ho-so-cua-toi/<uuid:key>/bien-nhan/": (
        "GET",
        lambda o: f"/ho-so-cua-toi/{o['bundle'].public_id}/bien-nhan/",
        None,
    ),
    "ho-so-cua-toi/<uuid:key>/bo-sung/": (
        "GET",
        lambda o: f"/ho-so-cua-toi/{o['bundle'].public_id}/bo-sung/",
        None,
    ),
    "ho-so-cua-toi/<uuid:key>/cac-buoc/": (
        "GET",
        lambda o: f"/ho-so-cua-toi/{o['bundle'].public_id}/cac-buoc/",
        None,
    ),
    "ho-so-cua-toi/<uuid:key>/giay-to/": (
        "GET",
        lambda o: f"/ho-so-cua-toi/{o['draft'].public_id}/giay-to/",
        None,
    ),
    "ho-so-cua-toi/<uuid:key>/giay-to/tai-len/": (
        "UPLOAD",
        lambda o: f"/ho-so-cua-toi/{o['draft'].public_id}/giay-to/tai-len/",
        {"kind": "other"},
    ),
    "ho-so-cua-toi/<uuid:key>/giay-to/<uuid:attachment_id>/xoa/": (
        "POST",
        lambda o: f"/ho-so-cua-toi/{o['bundle'].public_id}/giay-to/{o['attachment'].public_id}/xoa/",
        {},
    ),
    "ho-so-cua-toi/<uuid:key>/khai/<slug:slug>/": (
        "GET",
        lambda o: f"/ho-so-cua-toi/{o['draft'].public_id}/khai/tre/",
        None,
    ),
    "ho-so-cua-toi/<uuid:key>/xem-lai/": (
        "GET",
        lambda o: f"/ho-so-cua-toi/{o['draft'].public_id}/xem-lai/",
        None,
    ),
    "i18n/setlang/": ("POST", lambda o: "/i18n/setlang/", {"language": "en"}),
    "ky-so/": ("GET", lambda o: "/ky-so/", None),
    "ky-so/<uuid:key>/cap-lai/": ("POST", lambda o: f"/ky-so/{o['extract'].bundle.public_id}/cap-lai/", {}),
    "ky-so/<uuid:key>/xem-truoc/": (
        "GET",
        lambda o: f"/ky-so/{o['awaiting_signature'].public_id}/xem-truoc/",
        None,
    ),
    "metrics": ("GET", lambda o: "/metrics", None),
    "mock-agencies/<str:agency>/requests/": ("POST", lambda o: "/mock-agencies/police/requests/", {}),
    "mock-agencies/<str:agency>/requests/<uuid:key>": (
        "GET",
        lambda o: f"/mock-agencies/police/requests/{uuid.uuid4()}",
        None,
    ),
    "mock-agencies/_knobs/": ("GET", lambda o: "/mock-agencies/_knobs/", None),
    "mock-agencies/<str:agency>/_bare/": ("POST", lambda o: "/mock-agencies/police/_bare/", {}),
    "mock-dich-vu-cong/": ("GET", lambda o: "/mock-dich-vu-cong/", None),
    "mock-dich-vu-cong/ho-so/": ("GET", lambda o: "/mock-dich-vu-cong/ho-so/", None),
    "mock-dich-vu-cong/_knobs/": ("GET", lambda o: "/mock-dich-vu-cong/_knobs/", None),
    "mock-dich-vu-cong/auth/token": ("POST", lambda o: "/mock-dich-vu-cong/auth/token", {}),
    "mock-dich-vu-cong/dossiers": ("GET", lambda o: "/mock-dich-vu-cong/dossiers?maDonVi=16690", None),
    "mock-dich-vu-cong/dossiers/<str:code>": ("GET", lambda o: "/mock-dich-vu-cong/dossiers/H40.1-1", None),
    "mock-dich-vu-cong/dossiers/<str:code>/ack": (
        "POST",
        lambda o: "/mock-dich-vu-cong/dossiers/H40.1-1/ack",
        {},
    ),
    "mock-dich-vu-cong/dossiers/<str:code>/status": (
        "POST",
        lambda o: "/mock-dich-vu-cong/dossiers/H40.1-1/status",
        {},
    ),
    "mock-dich-vu-cong/login": ("POST", lambda o: "/mock-dich-vu-cong/login", {}),
    "mock-dich-vu-cong/service": ("POST", lambda o: "/mock-dich-vu-cong/service", {}),
    "mock-vneid/": ("GET", lambda o: "/mock-vneid/", None),
    "mock-pki/<path:rest>": ("GET", lambda o: "/mock-pki/cong-lien-thong/certs/root/ca.crt", None),
    "mock-ky-so-tu-xa/csc/v1/<path:endpoint>": (
        "POST",
        lambda o: "/mock-ky-so-tu-xa/csc/v1/credentials/info",
        {"credentialID": "nha-cung-cap-ky-so/khong-co"},
    ),
    "mock-ky-so-tu-xa/dien-thoai/": ("GET", lambda o: "/mock-ky-so-tu-xa/dien-thoai/", None),
    "nop-ho-so/<slug:group_slug>/": ("GET", lambda o: "/nop-ho-so/khai-sinh/", None),
    "readyz": ("GET", lambda o: "/readyz", None),
    "so-lieu/": ("GET", lambda o: "/so-lieu/", None),
    "so-lieu/xuat.csv": ("GET", lambda o: "/so-lieu/xuat.csv", None),
    "thanh-phan-giao-dien/": ("GET", lambda o: "/thanh-phan-giao-dien/", None),
    "tai-khoan/dang-nhap/": ("GET", lambda o: "/tai-khoan/dang-nhap/", None),
    "tai-khoan/dang-nhap/ma-xac-thuc/": ("GET", lambda o: "/tai-khoan/dang-nhap/ma-xac-thuc/", None),
    "tai-khoan/dang-nhap/vneid/": ("GET", lambda o: "/tai-khoan/dang-nhap/vneid/", None),
    "tai-khoan/dang-xuat/": ("POST", lambda o: "/tai-khoan/dang-xuat/", {}),
    "tai-khoan/xac-thuc-hai-buoc/": ("GET", lambda o: "/tai-khoan/xac-thuc-hai-buoc/", None),
    "tai-khoan/dat-mat-khau/<uidb64>/<token>/": (
        "GET",
        lambda o: f"/tai-khoan/dat-mat-khau/{urlsafe_base64_encode(str(o['staff'].pk).encode())}/sai-ma/",
        None,
    ),
    "trich-luc/<str:token>/tai-ve/": ("GET", lambda o: f"/trich-luc/{o['extract'].token}/tai-ve/", None),
    "verify/<str:token>/": ("GET", lambda o: f"/verify/{o['extract'].token}/", None),
}
