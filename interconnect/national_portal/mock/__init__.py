"""A mock of the National Public Service Portal's coordination system for the demo and the tests: a
real HTTP service that logs in, serves the dossiers filed on it, records every status message and shows
each dossier's history as the portal would. Absent under production settings."""
