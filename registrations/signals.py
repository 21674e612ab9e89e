"""What the core floor announces. ``signing``, ``interconnect`` and the top floor subscribe;
``registrations`` never imports them.

Most are sent on commit, so a receiver never sees a change that was rolled back. The two
``*_transitioned`` announcements are sent inside the transaction, right after the row is saved, so
what a receiver writes (the dashboard's roll-ups) commits or rolls back with the change itself."""

from django.dispatch import Signal

bundle_submitted = Signal()  # bundle
bundle_registered = Signal()  # bundle
bundle_signed = Signal()  # bundle
bundle_corrected = Signal()  # bundle, correction
step_due = Signal()  # step_ids
step_completed = Signal()  # bundle, step_id, procedure
certificate_received = Signal()  # certificate_id: a facility's first version, stored
# In the transaction: the row after the change, its state before and after, and its column values as
# they were loaded (attribute names, such as ``ward_id``) before the change.
bundle_transitioned = Signal()  # bundle, source, target, previous
step_transitioned = Signal()  # step, bundle (None when not loaded), source, target, previous
# A question, not an announcement: whoever holds a bundle's result documents (signing, for the signed
# extract) answers with [{"code", "url", "title"}]; ``selectors.result_documents`` asks it.
result_documents = Signal()  # bundle
