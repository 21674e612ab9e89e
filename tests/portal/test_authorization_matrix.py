"""The authorization matrix: every URL pattern the resolver knows, called by every role on its own and
on a foreign object, with the answer each cell must give. A new URL without a line here fails.

Roles: anonymous; the citizen who owns the objects of ward A and one who owns those of ward B; the
clerk and leader of ward A and of ward B; provincial staff of Nghệ An (both wards) and of Hà Nội; an
agency and a hospital API client; an administrator. A cell is (answer on ward A's object, answer on
ward B's). Every state-changing call runs inside a transaction that is rolled back, so cells do not
affect each other."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.portal.authz_requests import ATTACHMENT_ROUTE, REQUESTS
from tests.portal.authz_world import ROLES, World, url_patterns
from tests.registrations.helpers import PDF

pytestmark = pytest.mark.usefixtures("divisions")


def cells(default, **by_role) -> dict[str, tuple[int, int]]:
    pair = lambda v: v if isinstance(v, tuple) else (v, v)  # noqa: E731
    return {role: pair(by_role.get(role, default)) for role in ROLES}


def owner_and_staff_read(*, anonymous: int) -> dict[str, tuple[int, int]]:
    """Something of one ward's bundle that its owner, its ward's clerk and leader, the province's staff
    and administrators may read; for everyone else it does not exist."""
    own = {f"{prefix}{role}": pair for role in ("citizen", "clerk", "leader")
           for prefix, pair in (("", (200, 404)), ("other_", (404, 200)))}  # fmt: skip
    return cells(404, anonymous=anonymous, province=200, admin=200, **own)


def bundle_action(**answers: int) -> dict[str, tuple[int, int]]:
    """An action on a ward's bundle through the API. Those who may take it (``answers``: clerk=409…)
    get that answer on their own ward's bundle; everyone else who can see the bundle gets 403; a
    bundle outside one's jurisdiction does not exist (404); anonymous callers are asked to sign in."""
    seeing = {"citizen": 403, "clerk": 403, "leader": 403}
    roles = {role: (answers.get(role, status), 404) for role, status in seeing.items()}
    roles |= {f"other_{role}": (404, answers.get(role, status)) for role, status in seeing.items()}
    return cells(404, anonymous=401, province=403, admin=403, **roles)


EXPECTED = {
    "": cells(200),
    "api/docs/": cells(200),
    "api/schema/": cells(200),
    "api/v1/^bundles/$": cells(200, anonymous=401),
    "api/v1/^bundles/(?P<key>[^/]+)/$": owner_and_staff_read(anonymous=401),
    "api/v1/^bundles/(?P<key>[^/]+)/accept/$": bundle_action(clerk=409),
    "api/v1/^bundles/(?P<key>[^/]+)/attachments/$": cells(
        404, anonymous=401, citizen=(201, 404), other_citizen=(404, 201)
    ),
    ATTACHMENT_ROUTE: owner_and_staff_read(anonymous=401),
    "api/v1/^bundles/(?P<key>[^/]+)/check-certificate/$": cells(
        404, anonymous=401, citizen=(200, 404), other_citizen=(404, 200)
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/close-partially/$": bundle_action(clerk=409),
    "api/v1/^bundles/(?P<key>[^/]+)/decide-correction/$": bundle_action(clerk=409),
    "api/v1/^bundles/(?P<key>[^/]+)/issue-without-personal-id/$": bundle_action(clerk=409),
    "api/v1/^bundles/(?P<key>[^/]+)/register/$": bundle_action(clerk=200),
    "api/v1/^bundles/(?P<key>[^/]+)/reject/$": bundle_action(clerk=200),
    "api/v1/^bundles/(?P<key>[^/]+)/request-correction/$": bundle_action(citizen=409, clerk=409),
    "api/v1/^bundles/(?P<key>[^/]+)/request-supplement/$": bundle_action(clerk=200),
    "api/v1/^bundles/(?P<key>[^/]+)/resubmit/$": bundle_action(citizen=409),
    "api/v1/^bundles/(?P<key>[^/]+)/submit/$": cells(
        404, anonymous=401, citizen=(200, 404), other_citizen=(404, 200)
    ),
    "api/v1/^bundles/(?P<key>[^/]+)/withdraw/$": bundle_action(citizen=200),
    "api/v1/auth/token/": cells(401),
    "api/v1/bundles/<str:key>/steps/<str:procedure>/replay/": bundle_action(clerk=409),
    "api/v1/dashboard/": cells(403, anonymous=401, province=200, other_province=200, admin=200),
    # Medical facilities authenticate by their signature only: a session or token is not enough.
    "api/v1/hospital/birth-certificates/": cells(401),
    "api/v1/hospital/birth-certificates/<str:number>/correction/": cells(401),
    "api/v1/hospital/death-notices/": cells(401),
    "api/v1/hospital/death-notices/<str:number>/correction/": cells(401),
    "api/v1/interconnect/callbacks/<str:agency>/": cells(401),
    "api/v1/schema/": cells(200),
    "can-bo/": cells(200, anonymous=302, citizen=403, other_citizen=403, agency=403, hospital=403),
    "can-bo/ho-so/": cells(200, anonymous=302, citizen=403, other_citizen=403, agency=403, hospital=403),
    "can-bo/ho-so/<uuid:key>/": cells(
        403,
        anonymous=302,
        clerk=(200, 404),
        other_clerk=(404, 200),
        leader=(200, 404),
        other_leader=(404, 200),
        province=200,
        other_province=404,
        admin=200,
    ),
    "can-bo/ho-so/<uuid:key>/<str:action>/": cells(
        403,
        anonymous=302,
        clerk=(302, 404),
        other_clerk=(404, 302),
        leader=(302, 404),
        other_leader=(404, 302),
        province=302,
        other_province=404,
        admin=302,
    ),
    # Only the bundle's own ward clerk replays its messages to the national portal.
    "can-bo/ho-so/<uuid:key>/cong-dvc/gui-lai/": cells(
        403,
        anonymous=302,
        clerk=(302, 404),
        other_clerk=(404, 302),
        leader=404,
        other_leader=404,
        province=404,
        other_province=404,
        admin=404,
    ),
    "can-bo/tai-khoan/": cells(403, anonymous=302, province=200, other_province=200, admin=200),
    "can-bo/tai-khoan/<int:pk>/vo-hieu-hoa/": cells(
        403, anonymous=302, province=302, other_province=404, admin=302
    ),
    # Filing for a walk-in citizen: ward clerks only; the identity check is the starting clerk's own.
    "can-bo/nop-thay/": cells(403, anonymous=302, clerk=200, other_clerk=200),
    "can-bo/nop-thay/<int:pk>/": cells(403, anonymous=302, clerk=(200, 404), other_clerk=(404, 200)),
    "can-bo/tim-kiem/": cells(200, anonymous=302, citizen=403, other_citizen=403, agency=403, hospital=403),
    "dia-gioi/xa-phuong/": cells(200),
    "du-lieu-ca-nhan/": cells(404, anonymous=302, citizen=200, other_citizen=200),
    "du-lieu-ca-nhan/tai-ve/": cells(404, anonymous=302, citizen=200, other_citizen=200),
    "healthz": cells(200),
    "ho-so-cua-toi/": cells(404, anonymous=302, citizen=200, other_citizen=200),
    "ho-so-cua-toi/<uuid:key>/": cells(404, anonymous=302, citizen=(200, 404), other_citizen=(404, 200)),
    "ho-so-cua-toi/<uuid:key>/bien-nhan/": cells(
        404, anonymous=302, citizen=(200, 404), other_citizen=(404, 200)
    ),
    "ho-so-cua-toi/<uuid:key>/bo-sung/": cells(
        404, anonymous=302, citizen=(302, 404), other_citizen=(404, 302)
    ),
    "ho-so-cua-toi/<uuid:key>/cac-buoc/": cells(
        404, anonymous=302, citizen=(200, 404), other_citizen=(404, 200)
    ),
    "ho-so-cua-toi/<uuid:key>/giay-to/": cells(
        404, anonymous=302, citizen=(200, 404), other_citizen=(404, 200)
    ),
    "ho-so-cua-toi/<uuid:key>/giay-to/tai-len/": cells(
        404, anonymous=302, citizen=(302, 404), other_citizen=(404, 302)
    ),
    "ho-so-cua-toi/<uuid:key>/giay-to/<uuid:attachment_id>/xoa/": cells(
        404, anonymous=302, citizen=(302, 404), other_citizen=(404, 302)
    ),
    "ho-so-cua-toi/<uuid:key>/khai/<slug:slug>/": cells(
        404, anonymous=302, citizen=(200, 404), other_citizen=(404, 200)
    ),
    "ho-so-cua-toi/<uuid:key>/xem-lai/": cells(
        404, anonymous=302, citizen=(200, 404), other_citizen=(404, 200)
    ),
    "i18n/setlang/": cells(302),
    "ky-so/": cells(
        404,
        anonymous=302,
        citizen=403,
        other_citizen=403,
        leader=200,
        other_leader=200,
        agency=403,
        hospital=403,
    ),
    "ky-so/<uuid:key>/cap-lai/": cells(
        404,
        anonymous=302,
        citizen=403,
        other_citizen=403,
        leader=(302, 404),
        other_leader=(404, 302),
        agency=403,
        hospital=403,
    ),
    "ky-so/<uuid:key>/xem-truoc/": cells(
        404,
        anonymous=302,
        citizen=403,
        other_citizen=403,
        leader=(200, 404),
        other_leader=(404, 200),
        agency=403,
        hospital=403,
    ),
    "metrics": cells(200),
    "mock-agencies/<str:agency>/requests/": cells(401),
    "mock-agencies/<str:agency>/requests/<uuid:key>": cells(401),
    "mock-agencies/_knobs/": cells(200),
    "mock-agencies/<str:agency>/_bare/": cells(401),
    # The mock national portal: its demo pages are open, its API wants its own login; the dossier-sync
    # style answers every call 200 with the error in the body, as that style does.
    "mock-dich-vu-cong/": cells(200),
    "mock-dich-vu-cong/ho-so/": cells(200),
    "mock-dich-vu-cong/_knobs/": cells(200),
    "mock-dich-vu-cong/auth/token": cells(401),
    "mock-dich-vu-cong/dossiers": cells(401),
    "mock-dich-vu-cong/dossiers/<str:code>": cells(401),
    "mock-dich-vu-cong/dossiers/<str:code>/ack": cells(401),
    "mock-dich-vu-cong/dossiers/<str:code>/status": cells(401),
    "mock-dich-vu-cong/login": cells(200),
    "mock-dich-vu-cong/service": cells(200),
    "mock-vneid/": cells(200),
    "mock-pki/<path:rest>": cells(200),  # the test PKI's certificates are public, as a CA's are
    # The demo's remote-signing provider answers a CSC call for an unknown credential with 400, and
    # its phone, like the mock VNeID, is the demo's stand-in for a device.
    "mock-ky-so-tu-xa/csc/v1/<path:endpoint>": cells(400),
    "mock-ky-so-tu-xa/dien-thoai/": cells(200),
    "nop-ho-so/<slug:group_slug>/": cells(404, anonymous=302, citizen=200, other_citizen=200),
    "readyz": cells(503),
    "so-lieu/": cells(403, anonymous=302, province=200, other_province=200, admin=200),
    "so-lieu/xuat.csv": cells(403, anonymous=302, province=200, other_province=200, admin=200),
    "thanh-phan-giao-dien/": cells(404),  # the component set exists only under DEBUG
    "tai-khoan/dang-nhap/": cells(302, anonymous=200),
    # Without a password step waiting for its code, the code page sends everyone to the password.
    "tai-khoan/dang-nhap/ma-xac-thuc/": cells(302),
    "tai-khoan/dang-nhap/vneid/": cells(302),
    "tai-khoan/dang-xuat/": cells(302),
    "tai-khoan/dat-mat-khau/<uidb64>/<token>/": cells(200),
    "tai-khoan/xac-thuc-hai-buoc/": cells(
        200, anonymous=302, citizen=404, other_citizen=404, agency=404, hospital=404
    ),
    "trich-luc/<str:token>/tai-ve/": owner_and_staff_read(anonymous=404),
    "verify/<str:token>/": cells(200),
}

# The Django admin (/quan-tri/): one rule per kind of caller, checked on every admin pattern.
NOT_STAFF = ("anonymous", "citizen", "other_citizen", "agency", "hospital")
STAFF = ("clerk", "other_clerk", "leader", "other_leader", "province", "other_province", "admin")
# Models whose rows only the portal writes (records, logs, loaded data): nobody adds or deletes them
# here. Sign-in lockout records may be deleted by an administrator (that is how an account is unlocked).
READ_ONLY = re.compile(
    r"^quan-tri/(audit/\w+|divisions/\w+|interconnect/(attempt|messagelog)|registrations/(bundle|step|attachment)"
    r"|national_portal/(inbounddossier|statusmessage)"
    r"|signing/(extract|signercertificate))/(add|<path:object_id>/delete)/$"
    r"|^quan-tri/axes/\w+/add/$"
)


def call(world: World, role: str, route: str, side: str) -> int:
    method, build, body = REQUESTS[route]
    path = build(world.objects[side])
    client = world.client(role)
    with transaction.atomic():
        if method == "GET":
            response = client.get(path)
        elif method == "UPLOAD":
            response = client.post(
                path, {**body, "file": SimpleUploadedFile("x.pdf", PDF, "application/pdf")}
            )
        elif path.startswith("/api/"):
            response = client.post(path, json.dumps(body), content_type="application/json")
        else:
            response = client.post(path, body)
        transaction.set_rollback(True)
    return response.status_code


@pytest.fixture
def world(db, settings, tmp_path):
    return World()


def test_every_url_pattern_is_in_the_matrix():
    routes = {route for route, _ in url_patterns() if not route.startswith("quan-tri/")}
    assert routes - set(EXPECTED) == set(), "new URLs need a line in the authorization matrix"
    assert set(EXPECTED) - routes == set(), "the matrix lists URLs that no longer exist"
    assert set(EXPECTED) == set(REQUESTS)


def test_every_cell_answers_as_the_matrix_says(world):
    unexpected = []
    for route, expected in EXPECTED.items():
        for role in ROLES:
            got = (call(world, role, route, "own"), call(world, role, route, "foreign"))
            if got != expected[role]:
                unexpected.append(f"{route} as {role}: {got}, expected {expected[role]}")
    assert not unexpected, "\n".join(unexpected)


def _admin_path(route: str, world: World) -> str:
    """An admin pattern filled in with a real object where it names one."""
    from django.apps import apps

    path = "/" + route
    match = re.match(r"quan-tri/(\w+)/(\w+)/", route)
    pk = 1
    if match:
        try:
            obj = apps.get_model(match.group(1), match.group(2)).objects.order_by("pk").first()
            pk = obj.pk if obj else 1
        except LookupError:
            pass
    path = re.sub(r"<path:object_id>|<id>", str(pk), path)
    path = re.sub(r"\^\(\?P<app_label>[^)]*\)/\$$", "registrations/", path)
    path = path.replace("(?P<url>.*)$", "khong-co/")
    return re.sub(r"<path:content_type_id>", "1", path)


def test_the_admin_lets_in_staff_only_and_never_edits_records(world):
    unexpected = []
    routes = [route for route, _ in url_patterns() if route.startswith("quan-tri/")]
    assert len(routes) > 100
    for route in routes:
        path = _admin_path(route, world)
        for role in NOT_STAFF + STAFF:
            client = world.client(role)  # made outside the rolled-back request, so its session stays
            with transaction.atomic():
                status = client.get(path).status_code
                transaction.set_rollback(True)
            if role in NOT_STAFF:
                # Everything redirects to a sign-in, the admin's own sign-in page included: it hands
                # over to the staff sign-in, which asks for the second factor.
                allowed = {302}
            elif READ_ONLY.match(route):
                allowed = {403}
            elif role == "admin":
                allowed = {200, 302} | ({404} if "khong-co" in path or "/r/" in path else set())
                allowed |= {405} if route == "quan-tri/logout/" else set()  # logging out is a POST
                allowed |= {403} if route == "quan-tri/autocomplete/" else set()  # needs its parameters
            else:
                allowed = {200, 302, 403, 404, 405}
            if status not in allowed:
                unexpected.append(f"{path} as {role}: {status}, expected one of {sorted(allowed)}")
    assert not unexpected, "\n".join(unexpected)
