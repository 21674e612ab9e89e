"""Columns added to every table of the portal's models, as a release's expand step would."""

from django.db import models

# The apps whose tables a running portal reads (its own and the libraries' it queries).
APPS = (
    "accounts",
    "divisions",
    "workcalendar",
    "audit",
    "registrations",
    "signing",
    "interconnect",
    "health",
    "dashboard",
    "mock_agencies",
    "auth",
    "authtoken",
    "sessions",
    "contenttypes",
    "axes",
    "otp_totp",
)
DEPENDENCIES = [(app, "__latest__") for app in APPS]


def tables(apps):
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in APPS and meta.managed and not meta.proxy:
            yield model


def _field(model, name: str, make):
    field = make()
    field.set_attributes_from_name(name)
    field.model = model
    return field


def adder(name: str, make):
    def forwards(apps, schema_editor):
        for model in tables(apps):
            schema_editor.add_field(model, _field(model, name, make))

    def backwards(apps, schema_editor):
        for model in tables(apps):
            schema_editor.remove_field(model, _field(model, name, make))

    return forwards, backwards


NULLABLE = adder("rolling_nullable", lambda: models.TextField(null=True))
WITH_DEFAULT = adder("rolling_default", lambda: models.IntegerField(db_default=7))
