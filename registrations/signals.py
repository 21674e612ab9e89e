"""What the core floor announces. ``signing`` and ``interconnect`` subscribe; ``registrations`` never
imports them. Sent on commit, so a receiver never sees a change that was rolled back."""

from django.dispatch import Signal

bundle_submitted = Signal()  # bundle
bundle_registered = Signal()  # bundle
bundle_signed = Signal()  # bundle
bundle_corrected = Signal()  # bundle, correction
step_due = Signal()  # step_ids
step_completed = Signal()  # bundle, step_id, procedure
