"""A corpus of malformed requests: each gets a 4xx problem response, never a 5xx, and leaves no rows
behind."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from registrations.models import Attachment, Bundle, Person, Step
from tests.factories import UserFactory

from .helpers import PDF, PNG, birth_declaration, death_declaration, start_body

pytestmark = pytest.mark.usefixtures("divisions")


def with_change(base, path, value):
    data = json.loads(json.dumps(base))
    target = data
    *parents, last = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    if value is DELETE:
        target.pop(last, None)
    else:
        target[last] = value
    return data


DELETE = object()
BIRTH = start_body(birth_declaration())
DEATH = start_body(death_declaration())

# (description, JSON body) for POST /api/v1/bundles/
BAD_CREATES = [
    ("no group", with_change(BIRTH, "group", DELETE)),
    ("unknown group", with_change(BIRTH, "group", "marriage")),
    ("group of wrong type", with_change(BIRTH, "group", 7)),
    ("unknown top-level field", with_change(BIRTH, "nickname", "Bé Bi")),
    ("read-only field code", with_change(BIRTH, "code", "40.16690-261129-0001")),
    ("read-only field state", with_change(BIRTH, "state", "registered")),
    ("unknown nested field", with_change(BIRTH, "child.blood_type", "O")),
    ("death section in a birth bundle", with_change(BIRTH, "deceased", {"full_name": "Ai Đó"})),
    ("birth section in a death bundle", with_change(DEATH, "child", {"full_name": "Ai Đó"})),
    ("procedures not a list", with_change(BIRTH, "procedures", "health_insurance")),
    ("procedures of numbers", with_change(BIRTH, "procedures", [{"a": 1}])),
    ("10 kB name", with_change(BIRTH, "child.full_name", "A" * 10_000)),
    ("name with digits", with_change(BIRTH, "child.full_name", "Nguyễn Văn 2")),
    ("name with control character", with_change(BIRTH, "child.full_name", "Nguyễn\x00Văn")),
    ("name with bidi override", with_change(BIRTH, "child.full_name", "Nguyễn\u202eVăn")),
    ("name as a number", with_change(BIRTH, "child.full_name", 12345)),
    ("name as a list", with_change(BIRTH, "child.full_name", ["Nguyễn"])),
    ("address with newline control", with_change(BIRTH, "mother.residence_address", "Số 5\x07")),
    ("impossible date", with_change(BIRTH, "child.date_of_birth", "2026-02-30")),
    ("date in the future", with_change(BIRTH, "child.date_of_birth", "2099-01-01")),
    ("date before 1900", with_change(BIRTH, "mother.date_of_birth", "1800-01-01")),
    ("date as a number", with_change(BIRTH, "child.date_of_birth", 20260101)),
    ("date in another format", with_change(BIRTH, "child.date_of_birth", "01/02/2026")),
    ("impossible time", with_change(BIRTH, "birth.time_of_birth", "25:61")),
    ("unknown sex", with_change(BIRTH, "child.sex", "x")),
    ("unknown ethnicity", with_change(BIRTH, "child.ethnicity", "99")),
    ("nationality lower case", with_change(BIRTH, "child.nationality", "vn")),
    ("personal ID too short", with_change(BIRTH, "mother.id_number", "04019501234")),
    ("personal ID with letters", with_change(BIRTH, "mother.id_number", "04019501234X")),
    ("personal ID unknown province", with_change(BIRTH, "mother.id_number", "003195012345")),
    ("personal ID year mismatch", with_change(BIRTH, "mother.id_number", "040194012345")),
    ("personal ID sex mismatch", with_change(BIRTH, "mother.id_number", "040095012345")),
    ("personal ID as a number", with_change(BIRTH, "mother.id_number", 40195012345)),
    ("child given a personal ID", with_change(BIRTH, "child.id_number", "040226000001")),
    ("unknown ward", with_change(BIRTH, "registration_ward", 99999999)),
    ("ward as text", with_change(BIRTH, "registration_ward", "Trường Vinh")),
    ("negative ward", with_change(BIRTH, "registration_ward", -1)),
    ("unknown relationship", with_change(BIRTH, "requester.relationship", "neighbour")),
    ("bad phone", with_change(BIRTH, "requester.phone", "call me")),
    ("bad email", with_change(BIRTH, "requester.email", "not-an-email")),
    ("owner consent as text", with_change(BIRTH, "residence.owner_consent", "có lẽ")),
    ("bad certificate number", with_change(BIRTH, "birth.medical_birth_certificate_number", "số <script>")),
    ("bad delivery method", with_change(BIRTH, "child_id_card.delivery_method", "drone")),
    ("section as a list", with_change(BIRTH, "birth", ["a", "b"])),
    ("person as a string", with_change(BIRTH, "mother", "Nguyễn Thị Lan")),
    ("unknown regime", with_change(DEATH, "funeral_allowance.regime", "royal")),
    ("bad bank code", with_change(DEATH, "funeral_allowance.bank_account.bank_code", "vcb bank")),
    ("bad account number", with_change(DEATH, "funeral_allowance.bank_account.account_number", "12-34")),
    ("survivors not a list", with_change(DEATH, "funeral_allowance.survivor_benefit.survivors", {"a": 1})),
    ("bad preferred form", with_change(DEATH, "funeral_allowance.survivor_benefit.preferred_form", "weekly")),
    ("death date in the future", with_change(DEATH, "death.date_of_death", "2099-12-31")),
    ("deceased ID sex mismatch", with_change(DEATH, "deceased.sex", "female")),
    ("top level is a list", [BIRTH]),
    ("top level is a string", "birth"),
    ("top level is null", None),
]
BAD_RAW_BODIES = [
    ("truncated JSON", b'{"group": "birth", "procedures": ['),
    ("not JSON at all", b"group=birth"),
    ("invalid UTF-8", b'{"group": "\xff\xfe"}'),
    ("NaN literal", b'{"group": "birth", "registration_ward": NaN}'),
    ("deeply nested", b'{"group": "birth", "child": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}"),
]


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True)


@pytest.fixture
def client(citizen):
    client = APIClient()
    client.force_authenticate(citizen)
    return client


def no_rows_left():
    return (
        Bundle.objects.count()
        == Person.objects.count()
        == Step.objects.count()
        == Attachment.objects.count()
        == 0
    )


def assert_problem(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == response.status_code and body["title"] and body["detail"]
    return body


def test_the_corpus_is_large_enough():
    assert len(BAD_CREATES) + len(BAD_RAW_BODIES) + len(BAD_UPLOADS) >= 50


@pytest.mark.parametrize(("description", "body"), BAD_CREATES, ids=[d for d, _ in BAD_CREATES])
def test_malformed_create_requests_are_refused_cleanly(client, description, body):
    response = client.post("/api/v1/bundles/", json.dumps(body), content_type="application/json")
    problem = assert_problem(response)
    assert response.status_code == 400
    assert problem.get("errors"), problem
    assert no_rows_left()


@pytest.mark.parametrize(("description", "raw"), BAD_RAW_BODIES, ids=[d for d, _ in BAD_RAW_BODIES])
def test_unparseable_bodies_are_refused_cleanly(client, description, raw):
    response = client.generic("POST", "/api/v1/bundles/", raw, content_type="application/json")
    assert_problem(response)
    assert no_rows_left()


def test_wrong_content_type_is_415(client):
    response = client.post("/api/v1/bundles/", "group=birth", content_type="text/plain")
    assert response.status_code == 415
    assert_problem(response)


def _upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


BAD_UPLOADS = [
    (
        "executable renamed to pdf",
        lambda: {"kind": "medical_birth_certificate", "file": _upload("a.pdf", b"MZ\x90\x00" * 64)},
    ),
    (
        "HTML renamed to png",
        lambda: {
            "kind": "medical_birth_certificate",
            "file": _upload("a.png", b"<html><script>alert(1)</script>", "image/png"),
        },
    ),
    (
        "SVG image",
        lambda: {
            "kind": "medical_birth_certificate",
            "file": _upload("a.svg", b"<svg xmlns='x'/>", "image/svg+xml"),
        },
    ),
    ("empty file", lambda: {"kind": "medical_birth_certificate", "file": _upload("a.pdf", b"")}),
    ("unknown kind", lambda: {"kind": "selfie", "file": _upload("a.png", PNG, "image/png")}),
    ("no file", lambda: {"kind": "medical_birth_certificate"}),
    ("file field as text", lambda: {"kind": "medical_birth_certificate", "file": "%PDF-1.4"}),
    (
        "extra field",
        lambda: {"kind": "medical_birth_certificate", "file": _upload("a.pdf", PDF), "note": "x"},
    ),
]


@pytest.fixture
def draft_key(client):
    body = start_body({"group": "birth", "procedures": ["health_insurance"]})
    response = client.post("/api/v1/bundles/", body, format="json")
    assert response.status_code == 201
    return response.json()["id"]


@pytest.mark.parametrize(("description", "payload"), BAD_UPLOADS, ids=[d for d, _ in BAD_UPLOADS])
def test_bad_uploads_are_refused_and_store_nothing(client, draft_key, description, payload):
    response = client.post(f"/api/v1/bundles/{draft_key}/attachments/", payload(), format="multipart")
    assert_problem(response)
    assert Attachment.objects.count() == 0


def test_an_upload_over_10_mb_is_refused_by_its_declared_length_before_reading(client, draft_key):
    response = client.generic(
        "POST",
        f"/api/v1/bundles/{draft_key}/attachments/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert_problem(response)


def test_an_upload_over_10_mb_that_hides_its_length_is_stopped_while_streaming(client, draft_key, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024  # the same code path as 10 MB, without allocating 10 MB
    big = _upload("big.pdf", PDF + b"0" * 4096)
    response = client.post(
        f"/api/v1/bundles/{draft_key}/attachments/",
        {"kind": "medical_birth_certificate", "file": big},
        format="multipart",
    )
    assert response.status_code == 413
    assert_problem(response)
    assert Attachment.objects.count() == 0


def test_a_real_scan_is_accepted_and_served_only_to_those_who_may_see_the_bundle(client, draft_key, citizen):
    response = client.post(
        f"/api/v1/bundles/{draft_key}/attachments/",
        {"kind": "medical_birth_certificate", "file": _upload("giay chung sinh.png", PNG, "image/png")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png" and "giay" not in attachment.file.name
    url = f"/api/v1/bundles/{draft_key}/attachments/{attachment.public_id}/"
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Disposition"].startswith("attachment")
    shown = client.get(url + "?inline=1")
    assert shown["Content-Disposition"].startswith("inline") and shown["Content-Security-Policy"] == "sandbox"
    stranger = APIClient()
    stranger.force_authenticate(UserFactory(citizen=True))
    assert stranger.get(url).status_code == 404
    assert APIClient().get(url).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/bundles/not-a-bundle/", None),
        ("get", "/api/v1/bundles/00000000-0000-0000-0000-000000000000/", None),
        ("post", "/api/v1/bundles/not-a-bundle/submit/", {}),
        ("get", "/api/v1/bundles/?ward=abc", None),
        ("delete", "/api/v1/bundles/", None),
    ],
)
def test_bad_addresses_and_methods_answer_problems(client, method, path, body):
    response = (
        getattr(client, method)(path, body, format="json")
        if body is not None
        else getattr(client, method)(path)
    )
    assert_problem(response)


def test_a_browser_session_uploads_through_the_api_with_its_csrf_token_and_the_size_limit(
    citizen, draft_key, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(citizen)
    browser.get("/ho-so-cua-toi/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    url = f"/api/v1/bundles/{draft_key}/attachments/"
    small = {"kind": "medical_birth_certificate", "file": _upload("scan.pdf", PDF)}
    assert browser.post(url, small, format="multipart").status_code == 403  # no token, no upload
    small = {"kind": "medical_birth_certificate", "file": _upload("scan.pdf", PDF)}
    assert browser.post(url, small, format="multipart", HTTP_X_CSRFTOKEN=token).status_code == 201
    big = {"kind": "medical_birth_certificate", "file": _upload("big.pdf", PDF + b"0" * 4096)}
    response = browser.post(url, big, format="multipart", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 413
    assert_problem(response)
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("procedures", ["1", "2"]),
        ("procedures", [1, 2]),
        ("registration_ward", "١٦٦٩٠"),
        ("mother.ward_code", "１６６９０"),
    ],
    ids=["unknown codes", "numbers as codes", "arabic-indic digits", "full-width digits"],
)
def test_a_draft_never_stores_what_does_not_exist(client, path, value):
    """Drafts accept missing fields, never invalid values: unknown procedure codes and digits that are
    not ASCII are refused with the field named, and nothing is stored."""
    response = client.post("/api/v1/bundles/", with_change(BIRTH, path, value), format="json")
    problem = assert_problem(response)
    assert response.status_code == 400 and path in problem["errors"], problem
    assert no_rows_left()
