"""Free or paid: the qualifier that tells 2.1's free events from 2.4's paid ones."""

from __future__ import annotations

import pytest

from assistant.price import FREE, PAID, contradicts, price


@pytest.mark.parametrize("text, language, expected", [
    ("Kirjasto järjestää maksuttomia tapahtumia", "fi", FREE),
    ("saako kirjastossa pitää ilmaisen runoillan?", "fi", FREE),
    ("Kaupunginkirjasto ei itse järjestä maksullisia tapahtumia", "fi", PAID),
    ("Onko tapahtumissa pääsymaksu?", "fi", PAID),
    ("Ordnar biblioteket avgiftsfria visningar?", "sv", FREE),
    ("får vi ha en gratiskonsert där?", "sv", FREE),
    ("Och avgiftsbelagda evenemang?", "sv", PAID),
    ("Can I hold a free reading in the library?", "en", FREE),
    ("Is the exhibition free of charge?", "en", FREE),  # "charge" here is no charge
    ("Does the library run paid workshops?", "en", PAID),
    ("Are the events free or paid?", "en", None),  # asks about both
    ("Does the library lend books?", "en", None),
])
def test_a_text_says_free_paid_or_neither(text, language, expected):
    assert price(text, language) == expected


def test_only_opposite_prices_contradict():
    assert contradicts(FREE, PAID) and contradicts(PAID, FREE)
    assert not contradicts(FREE, FREE) and not contradicts(None, PAID) and not contradicts(FREE, None)
