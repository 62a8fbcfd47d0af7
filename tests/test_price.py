"""Free or paid: the qualifier that tells 2.1's free events from 2.4's paid ones."""

from __future__ import annotations

import pytest

from assistant.price import FREE, PAID, answers_otherwise, price


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
    ("do i have to pay to get in", "en", PAID),
    ("kostar det något att låna e-böcker?", "sv", PAID),
    ("Jos haluan järjestää pääsymaksullisen tapahtuman", "fi", PAID),
    ("Are the events free or paid?", "en", None),  # asks about both
    ("Does the library lend books?", "en", None),
])
def test_a_text_says_free_paid_or_neither(text, language, expected):
    assert price(text, language) == expected


def test_a_statement_answers_otherwise_when_it_says_the_opposite_price_or_denies_only_the_paid_kind():
    assert answers_otherwise(FREE, PAID, denies=True) and answers_otherwise(PAID, FREE, denies=False)
    assert not answers_otherwise(FREE, FREE, denies=False) and not answers_otherwise(PAID, PAID, denies=True)
    assert not answers_otherwise(FREE, None, denies=True)
    # "Does the library organise events?" is not answered by "it does not organise paid events" ...
    assert answers_otherwise(None, PAID, denies=True)
    # ... but is by "it organises free events".
    assert not answers_otherwise(None, FREE, denies=False) and not answers_otherwise(None, None, denies=True)
