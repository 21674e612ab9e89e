"""The public verification upload is read only up to its limit: a stranger cannot make the portal
read a 60 MB body, and what is refused says why next to the field."""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from signing import services
from tests.signing.test_signing import registered_with_personal_id
from tests.wsgi import keeping_the_test_connection

pytestmark = pytest.mark.usefixtures("divisions")
CSRF_SECRET = "a" * 32  # a browser's CSRF cookie; the form may carry it unmasked


class CountingInput(io.BytesIO):
    """A request body that remembers how much of it the portal read."""

    def __init__(self, body: bytes):
        super().__init__(body)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.taken += len(line)
        return line


def post_counted(path: str, body: bytes, *, declared: int) -> tuple[int, str, int]:
    """Sends ``body`` through the WSGI handler as a server would, with ``declared`` as its
    Content-Length; answers the status, the page and how many bytes were read."""
    stream = CountingInput(body)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": stream,
        "CONTENT_TYPE": MULTIPART_CONTENT,
        "CONTENT_LENGTH": str(declared),
        "HTTP_COOKIE": f"csrftoken={CSRF_SECRET}",
    }
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = int(status.split()[0])

    with keeping_the_test_connection():
        page = b"".join(WSGIHandler()(environ, start_response)).decode()
    return captured["status"], page, stream.taken


def pdf_body(size: int) -> bytes:
    upload = io.BytesIO(b"%PDF-1.7\n" + b"0" * size)
    upload.name = "trich-luc.pdf"
    # The token comes first, as a browser sends it: the CSRF check reads it before the file.
    return encode_multipart(BOUNDARY, {"csrfmiddlewaretoken": CSRF_SECRET, "file": upload})


def test_a_body_declared_over_the_limit_is_refused_before_a_byte_is_read(cast, settings):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    body = pdf_body(60 * 1024 * 1024)
    status, page, taken = post_counted(f"/verify/{extract.token}/", body, declared=len(body))
    assert status == 413
    assert taken == 0
    assert "Tệp vượt quá dung lượng cho phép (tối đa 10 MB)." in page
    assert 'class="field-error"' in page or "field-error" in page


def test_a_file_past_the_limit_stops_the_reading_where_it_passes(cast, settings):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    settings.ATTACHMENT_MAX_BYTES = 200 * 1024
    # Declared honestly and just inside the form's overhead, so only the streaming count can stop it.
    body = pdf_body(200 * 1024 + 60 * 1024)
    status, page, taken = post_counted(f"/verify/{extract.token}/", body, declared=len(body))
    assert status == 413
    assert taken < len(body)
    assert "tối đa 0 MB" not in page and "Tệp vượt quá dung lượng cho phép" in page


def test_a_genuine_extract_under_the_limit_is_still_checked(cast, client):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    with extract.pdf.open("rb") as handle:
        original = handle.read()
    upload = io.BytesIO(original)
    upload.name = "a.pdf"
    answer = client.post(f"/verify/{extract.token}/", {"file": upload})
    assert answer.status_code == 200
    assert "đúng là bản gốc" in answer.content.decode()


def test_posting_no_file_names_the_field(cast, client):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    answer = client.post(f"/verify/{extract.token}/", {})
    assert answer.status_code == 400
    assert "field-error" in answer.content.decode()
