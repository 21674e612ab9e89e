# The portal image: web (gunicorn), Celery worker and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    PORTAL_VAR_DIR=/var/lib/portal \
    STATIC_ROOT=/app/static-collected

# DejaVu Sans renders Vietnamese in the PDF extracts; curl serves the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 portal \
 && mkdir -p /var/lib/portal && chown portal:portal /var/lib/portal

WORKDIR /app
COPY . /app
RUN pip install -e . \
 && SECRET_KEY=collectstatic-only PERSONAL_DATA_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    PORTAL_VAR_DIR=/tmp/build-var python manage.py collectstatic --noinput -v0 \
 && rm -rf /tmp/build-var

USER portal
EXPOSE 8000
# Asked with the public host name: Django answers 400 to a host that ALLOWED_HOSTS does not list.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD curl -fsS -H "Host: ${ALLOWED_HOSTS%%,*}" http://127.0.0.1:8000/healthz || exit 1
# As measured by `make bench` (README, Performance): one process per core, four threads each, so keep-alive
# clients are served while others wait on the database. GUNICORN_CMD_ARGS adjusts it for bigger hosts.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "2", "--threads", "4", "--access-logfile", "-"]
