"""The settings the rolling-migration test migrates with: the portal's, plus the probe app."""

from portal.settings.dev import *  # noqa: F403
from portal.settings.dev import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.rolling_probe"]
