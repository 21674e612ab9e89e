"""The National Public Service Portal connector (Decree 301/2026/NĐ-CP, Art. 18.3: coordination through
the portal's system from 1 January 2027): dossiers filed there come in as bundles, and every change of
every bundle goes back out as a status message, from an outbox of its own."""
