"""Production settings: zero findings from ``check --deploy``, no start without secrets, and no
demo-only page mounted. Each runs in a fresh interpreter with only production settings loaded."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        PERSONAL_DATA_KEY=secrets.token_urlsafe(32),
        SIGNING_KEY_PASSPHRASE=secrets.token_urlsafe(16),
        METRICS_TOKEN=secrets.token_urlsafe(16),
        SIGNING_TRUST_ROOTS=str(tmp_path / "root.pem"),
        SIGNING_TSA_URL="https://tsa.example.vn/",
        ALLOWED_HOSTS="portal.example.vn",
        PORTAL_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **{
            f"AGENCY_{code}_{what}": value
            for code in ("POLICE", "SOCIAL_INSURANCE", "LABOUR")
            for what, value in (
                ("URL", f"https://{code.lower()}.example.vn/api"),
                ("SECRETS", secrets.token_hex(16)),
            )
        },
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_has_zero_findings(tmp_path):
    result = run(["manage.py", "check", "--deploy"], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "PERSONAL_DATA_KEY", "SIGNING_KEY_PASSPHRASE", "METRICS_TOKEN", "SIGNING_TSA_URL"],
)
def test_production_refuses_to_start_without_a_secret(tmp_path, missing):
    result = run(["manage.py", "check"], production_env(tmp_path, **{missing: None}))
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_demo_only_pages_are_not_mounted_in_production(tmp_path):
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='portal.example.vn')\n"
        "print(c.get('/mock-vneid/', secure=True).status_code)\n"
        "print(c.get('/tai-khoan/dang-nhap/vneid/', secure=True).status_code)\n"
        "print(c.get('/healthz', secure=True).status_code)\n"
        "print(c.post('/mock-agencies/police/requests/', secure=True).status_code)\n"
        "print(c.post('/mock-ky-so-tu-xa/csc/v1/credentials/info', secure=True).status_code)\n"
        "print(c.get('/mock-ky-so-tu-xa/dien-thoai/', secure=True).status_code)\n"
        "print(c.get('/mock-pki/cong-lien-thong/tsa/current', secure=True).status_code)\n"
        "from django.apps import apps; print(apps.is_installed('interconnect.mock_agencies'))\n"
    )
    env = production_env(tmp_path)
    collected = run(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    assert collected.returncode == 0, collected.stderr
    result = run(["-c", script], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["404", "404", "200", "404", "404", "404", "404", "False"]


def test_the_demo_configuration_does_mount_the_mock_eid(client):
    assert client.get("/mock-vneid/").status_code == 200


def test_the_mock_agencies_service_settings_check_and_refuse_without_secrets(tmp_path):
    env = production_env(
        tmp_path, DJANGO_SETTINGS_MODULE="portal.settings.mock_agencies", CELERY_BROKER_URL="memory://"
    )
    assert run(["manage.py", "check"], env).returncode == 0
    missing = run(["manage.py", "check"], {**env, "AGENCY_LABOUR_SECRETS": ""})
    assert missing.returncode != 0 and "AGENCY_LABOUR_SECRETS" in missing.stderr


@pytest.mark.services
@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """Short transactional queries: JIT compiling cost more than running them (the queue counts)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


PROBE_OPERATIONAL_PAGES = (
    "import django; django.setup()\n"
    "from django.test import Client\n"
    "c = Client(HTTP_HOST='portal.example.vn')\n"
    "schema = c.get('/api/schema/', secure=True)\n"
    "print(schema.status_code, schema['Content-Type'])\n"
    "print(c.get('/api/v1/schema/', secure=True).status_code)\n"
    "docs = c.get('/api/docs/', secure=True)\n"
    "print(docs.status_code, docs.get('Location', '-'))\n"
    "print(c.get('/metrics', secure=True).status_code)\n"
    "print(c.get('/metrics', secure=True, HTTP_AUTHORIZATION='Bearer wrong').status_code)\n"
)


def test_production_keeps_the_schema_docs_and_metrics_for_those_signed_in_as_the_readme_says(tmp_path):
    result = run(["-c", PROBE_OPERATIONAL_PAGES], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    schema, v1_schema, docs, metrics, wrong_token = result.stdout.splitlines()
    assert schema == "401 application/problem+json"
    assert v1_schema == "401"
    assert docs.startswith("302 /tai-khoan/") and "next=/api/docs/" in docs
    assert metrics == wrong_token == "403"
    opened = run(["-c", PROBE_OPERATIONAL_PAGES], production_env(tmp_path, API_DOCS_PUBLIC="true"))
    assert opened.stdout.splitlines()[0].startswith("200 application/vnd.oai.openapi")
    readme = (ROOT / "README.md").read_text()
    assert "API_DOCS_PUBLIC" in readme and "METRICS_TOKEN" in readme
