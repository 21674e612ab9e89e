"""The declaration's field tree is built once per thread and handed to every later serializer: each
one must still validate with its own data and its own context, also with threads side by side."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from registrations.serializers import DeclarationSerializer

from .helpers import birth_declaration

pytestmark = pytest.mark.usefixtures("divisions")


def check(data, group=None):
    serializer = DeclarationSerializer(data=data, context={"group": group} if group else {})
    return serializer.is_valid(), serializer.errors


def test_the_tree_is_shared_within_a_thread_and_rebound_to_each_serializer():
    first, second = DeclarationSerializer(data={}), DeclarationSerializer(data={})
    assert first.fields is second.fields
    assert all(field.parent is second for field in second.fields.values())
    assert second.fields["mother"].fields["full_name"].root is second
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(lambda: DeclarationSerializer(data={}).fields).result() is not first.fields


def test_each_serializer_validates_with_its_own_data_and_context():
    good = birth_declaration()
    assert check(good) == (True, {})
    ok, errors = check(good, group="death")
    assert not ok and set(errors) == {"group"}
    ok, errors = check({k: v for k, v in good.items() if k != "group"}, group="death")
    assert not ok and {"child", "mother", "birth"} <= set(errors) and "group" not in errors
    ok, errors = check({**good, "mother": {**good["mother"], "id_number": "12"}})
    assert not ok and set(errors) == {"mother"}
    assert check(good) == (True, {})  # nothing of the failures stays behind
    assert check({"procedures": ["health_insurance"]}, group="birth") == (True, {})


def test_threads_validating_at_once_do_not_see_each_others_input():
    good = birth_declaration()
    bad = {**good, "child": {**good["child"], "date_of_birth": "2999-01-01"}}

    def run(n):
        data, expected = (good, True) if n % 2 else (bad, False)
        ok, errors = check(data, group="birth")
        return ok == expected and (ok or set(errors) == {"child"})

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(run, range(400)))
