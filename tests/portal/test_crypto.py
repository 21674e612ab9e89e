"""Personal data at rest: stored encrypted, read back in clear, and never under another key."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import override_settings

from portal.accounts.models import User
from portal.common import crypto
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_stored_number_is_encrypted_and_read_back_in_clear():
    citizen = UserFactory(citizen=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number FROM {User._meta.db_table} WHERE id = %s", [citizen.pk])  # noqa: S608
        stored = cursor.fetchone()[0]
    assert citizen.id_number not in stored and len(stored) > 80
    assert User.objects.get(pk=citizen.pk).id_number == citizen.id_number


def test_the_same_number_encrypts_differently_each_time():
    first, second = crypto.encrypt_text("040195012345"), crypto.encrypt_text("040195012345")
    assert first != second
    assert crypto.decrypt_text(first) == crypto.decrypt_text(second) == "040195012345"


def test_another_key_fails_loudly_even_for_a_value_this_process_just_wrote():
    token = crypto.encrypt_text("040195012345")
    other_key = override_settings(PERSONAL_DATA_KEY="a-different-key-for-this-test-only")
    with other_key, pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        crypto.decrypt_text(token)
    assert crypto.decrypt_text(token) == "040195012345"
