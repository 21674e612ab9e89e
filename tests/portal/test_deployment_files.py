"""The deployment files as written (no Docker engine here, so they are read, not run): a proxy with a
body limit is the only published service, the portal trusts exactly that proxy's X-Forwarded-For, and
the health checks ask with a host name production accepts."""

import re
from pathlib import Path

import yaml

from tests.portal.test_settings import production_env, run

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_only_the_proxy_is_published_and_it_caps_request_bodies():
    services = compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    mounted = services["proxy"]["volumes"][0].split(":")[0]
    config = (ROOT / mounted).read_text()
    limit = re.search(r"client_max_body_size\s+(\d+)m;", config)
    assert limit and 10 < int(limit.group(1)) <= 12  # one 10 MB scan and its form, no more
    assert "proxy_request_buffering on;" in config
    assert "$request_uri" not in config and '"$request_method $uri"' in config  # no query strings logged
    assert "server web:8000;" in config
    assert services["web"]["environment"]["TRUSTED_PROXIES"].startswith("${TRUSTED_PROXIES:-1}")


def test_the_health_checks_send_a_host_name_that_production_accepts(tmp_path):
    web_check = " ".join(compose()["services"]["web"]["healthcheck"]["test"])
    assert "Host: $${ALLOWED_HOSTS%%,*}" in web_check
    assert "Host: ${ALLOWED_HOSTS%%,*}" in (ROOT / "Dockerfile").read_text()
    probe = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "print(Client(HTTP_HOST='127.0.0.1').get('/healthz').status_code)\n"
        "print(Client(HTTP_HOST='portal.example.vn').get('/healthz').status_code)\n"
    )
    result = run(["-c", probe], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["400", "200"]  # why the checks name the host


def test_the_readme_says_where_the_body_limit_is():
    readme = (ROOT / "README.md").read_text()
    assert "deploy/nginx.conf" in readme and "client_max_body_size" in readme


def test_every_queue_of_the_settings_has_a_worker_in_the_deployment():
    from django.conf import settings

    services = compose()["services"]
    served = set()
    for service in services.values():
        command = service.get("command") or []
        if command[:3] == ["celery", "-A", "portal"] and "worker" in command:
            served |= set(command[command.index("-Q") + 1].split(","))
    # docker-compose sets no CELERY_QUEUE: its workers must serve the default names of both queues.
    assert served == {"celery", "celery.delivery"}
    assert {q.name for q in settings.CELERY_TASK_QUEUES} == {
        settings.CELERY_TASK_DEFAULT_QUEUE,
        settings.CELERY_DELIVERY_QUEUE,
    }
    assert f"{settings.CELERY_TASK_DEFAULT_QUEUE}.delivery" == settings.CELERY_DELIVERY_QUEUE
    delivery = services["delivery"]["command"]
    assert "--pool=threads" in delivery  # the agency calls wait on the network, not the CPU
    assert "gunicorn" in " ".join(services["mock-agencies"]["command"])
