"""Clients for a portal served by real processes (gunicorn) on the test database."""

from __future__ import annotations

import secrets

import requests
from django.conf import settings
from django.test import Client


def signed_in(user, **session: object) -> requests.Session:
    """A browser signed in as ``user``: the session is made here, in the database both processes use,
    with ``session`` stored in it (a fresh re-authentication, say)."""
    client = Client()
    client.force_login(user)
    stored = client.session
    for key, value in session.items():
        stored[key] = value
    stored.save()
    browser = requests.Session()
    csrf = secrets.token_hex(16)  # a CSRF secret of 32 characters, sent back as the form's token
    browser.cookies.update({settings.SESSION_COOKIE_NAME: stored.session_key, "csrftoken": csrf})
    browser.headers["X-CSRFToken"] = csrf
    return browser
