"""A test-only app whose migrations do what a backward-compatible release does to a live database
(expand first): a nullable column on every table, a column with a database default, a new table.
Installed only by ``tests.rolling_probe.settings``, which the rolling-migration test migrates with
while the portal keeps serving with its own settings."""
