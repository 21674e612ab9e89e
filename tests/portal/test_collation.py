"""Vietnamese alphabetical order: letters first, tones second, case last."""

import random

from portal.common.collation import vietnamese_key


def test_letters_come_before_tones():
    names = ["Bình", "Bích", "Bắc", "Bạch"]
    assert sorted(names, key=vietnamese_key) == ["Bạch", "Bắc", "Bích", "Bình"]


def test_each_letter_with_its_own_marks_follows_its_base_letter():
    pairs = [("a", "ă"), ("ă", "â"), ("â", "b"), ("d", "đ"), ("đ", "e"), ("e", "ê"), ("ê", "g"),
             ("o", "ô"), ("ô", "ơ"), ("ơ", "p"), ("u", "ư"), ("ư", "v")]  # fmt: skip
    for earlier, later in pairs:
        assert vietnamese_key(earlier + "z") < vietnamese_key(later), (earlier, later)
        assert vietnamese_key(earlier.upper() + "z") < vietnamese_key(later.upper()), (earlier, later)


def test_tones_in_dictionary_order_and_only_when_the_letters_tie():
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    shuffled = tones[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=vietnamese_key) == tones
    assert vietnamese_key("mạ") < vietnamese_key("mac")  # a toned letter still comes before a longer word


def test_words_sort_word_by_word_and_decomposed_input_sorts_as_composed():
    assert sorted(["Anh Sơn", "An Bình", "Ân Thi"], key=vietnamese_key) == ["An Bình", "Anh Sơn", "Ân Thi"]
    assert vietnamese_key("Trường Vinh") == vietnamese_key("Tru\u031bo\u031b\u0300ng Vinh")


def test_python_code_point_order_would_get_it_wrong():
    # Without the key, "Đông" sorts after "Yên" and "Ân" after "Bình": the reason the key exists.
    assert sorted(["Yên", "Đông", "Dung"]) == ["Dung", "Yên", "Đông"]
    assert sorted(["Yên", "Đông", "Dung"], key=vietnamese_key) == ["Dung", "Đông", "Yên"]
