"""Request limits: per account on the API (counted in Redis when it is configured), per agency on the
callback endpoint after the signature is checked, and no refusal when the counter store is down."""

import json
import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse

from portal.common import signatures
from portal.common.ratelimit import parse_rate, rate_exceeded
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("divisions")
# A fixed instant in the middle of a minute, so a run never straddles two windows.
INSTANT = datetime(2031, 3, 4, 5, 6, 20, tzinfo=UTC)


@pytest.fixture
def window():
    with time_machine.travel(INSTANT, tick=False):
        yield int(INSTANT.timestamp() // 60)


def forget(scope: str, ident: str, window: int) -> None:
    # Counters survive between runs on a shared Redis: start this window from zero.
    caches[settings.RATE_LIMIT_CACHE].delete(f"rl:{scope}:{ident}:{window}")


def test_rates_read_as_requests_per_period():
    assert parse_rate("240/min") == (240, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("1000/day") == (1000, 86400)


def test_an_account_past_its_rate_gets_a_problem_with_retry_after_and_others_are_not_affected(
    client, settings, window
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "user": "5/min"}
    citizen, neighbour = UserFactory(citizen=True), UserFactory(citizen=True)
    for user in (citizen, neighbour):
        forget("user", str(user.pk), window)
    client.force_login(citizen)
    answers = [client.get(reverse("api:bundle-list")).status_code for _ in range(7)]
    assert answers == [200] * 5 + [429] * 2
    refused = client.get(reverse("api:bundle-list"))
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["Retry-After"] == "40"  # 20 s into the minute
    assert "thử lại sau 40 giây" in refused.json()["detail"]
    client.force_login(neighbour)
    assert client.get(reverse("api:bundle-list")).status_code == 200


def test_counters_live_in_redis_when_it_is_configured_and_expire_after_their_window(settings, window):
    cache = caches[settings.RATE_LIMIT_CACHE]
    assert cache.__class__.__name__ == ("RedisCache" if settings.REDIS_URL else "LocMemCache")
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "user": "2/min"}
    forget("user", "ttl", window)
    assert [rate_exceeded(scope="user", ident="ttl") for _ in range(3)] == [None, None, 40]
    key = f"rl:user:ttl:{window}"
    assert cache.get(key) == 3
    if settings.REDIS_URL:
        # Counted in one round trip, and the key does not outlive its window by more than a second.
        name = cache.make_and_validate_key(key)
        assert 0 < cache._cache.get_client(name).ttl(name) <= 61


def test_an_unreachable_counter_store_never_refuses_a_request(client, settings, window):
    settings.CACHES = {
        **settings.CACHES,
        "unreachable": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.RATE_LIMIT_CACHE = "unreachable"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "user": "1/min"}
    assert rate_exceeded(scope="user", ident="x") is None
    client.force_login(UserFactory(citizen=True))
    assert [client.get(reverse("api:bundle-list")).status_code for _ in range(3)] == [200, 200, 200]


def _signed_callback(agency: str, secret: str, *, sign: bool = True) -> dict:
    body = json.dumps({"idempotency_key": str(uuid.uuid4()), "status": "done"}).encode()
    timestamp = str(int(INSTANT.timestamp()))
    signature = signatures.sign(secret=secret, timestamp=timestamp, body=body) if sign else "sha256=00"
    return {
        "data": body,
        "content_type": "application/json",
        "HTTP_X_TIMESTAMP": timestamp,
        "HTTP_X_SIGNATURE": signature,
    }


def test_an_agency_past_its_rate_is_refused_and_unsigned_requests_do_not_count(client, settings, window):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "agency": "3/min"}
    forget("agency", "police", window)
    forget("agency", "labour", window)
    url = reverse("api:interconnect-callback", kwargs={"agency": "police"})
    secret = settings.AGENCIES["police"]["secrets"][0]
    # Ten forged requests are refused for their signature and spend nothing.
    for _ in range(10):
        assert client.post(url, **_signed_callback("police", secret, sign=False)).status_code == 401
    # Signed callbacks for unknown requests: 404 three times (counted), then the limit.
    answers = [client.post(url, **_signed_callback("police", secret)).status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    limited = client.post(url, **_signed_callback("police", secret))
    assert limited["Retry-After"] == "40"
    assert limited["Content-Type"] == "application/problem+json"
    # Another agency has its own budget.
    labour = reverse("api:interconnect-callback", kwargs={"agency": "labour"})
    labour_secret = settings.AGENCIES["labour"]["secrets"][0]
    assert client.post(labour, **_signed_callback("labour", labour_secret)).status_code == 404
