"""Model fields for personal data at rest."""

from django.db import models

from .crypto import decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    """Stored encrypted (Fernet); read back in clear by the application only. It cannot be filtered
    on: pair it with a keyed-HMAC column for lookups and uniqueness."""

    def from_db_value(self, value, expression, connection):
        return None if value in (None, "") else decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value in (None, "") else encrypt_text(value)
