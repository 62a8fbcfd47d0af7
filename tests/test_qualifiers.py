"""Qualifiers: free or paid (2.1's free events, 2.4's paid ones) and long-term use (2.4's rooms)."""

from __future__ import annotations

import pytest

from assistant.qualifiers import DURATION, FREE, LONG_TERM, PAID, PRICE, asks_as_organiser, without_qualifiers

answers_otherwise = PRICE.answers_otherwise


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
    # Who pays, or whether the library pays, is about who bears a cost, not the price to the asker.
    ("who's paying for it?", "en", None),
    ("Does the library pay the musicians who play at its events?", "en", None),
    ("vem betalar för det?", "sv", None),
    ("kuka sen maksaa?", "fi", None),
    ("Maksaako kirjasto esiintyjille?", "fi", None),
    ("maksaako se?", "fi", PAID),  # "does it cost?"
    ("does it also pay for outside specialists sometimes?", "en", None),
    ("ilmaseks?", "fi", FREE),  # chat spelling of "ilmaiseksi"
    # ... and so is paying someone: the library as the payer, or a payee named ("pay them", "maksaa niille").
    ("do libraries actually pay musicians to play?", "en", None),
    ("did they pay her as an outside expert?", "en", None),
    ("is it some company they pay?", "en", None),
    ("would the library ever pay a band to play?", "en", None),
    ("entäs maksaa niille esiintymisestä?", "fi", None),
    ("maksetaanko esiintyjille?", "fi", None),
    ("brukar biblan betala för sånt?", "sv", None),
    ("betalar dom föreläsarna?", "sv", None),
    ("frågar om biblioteket nånsin betalar komiker för att uppträda", "sv", None),
    ("Does the library hire and pay acts like mine?", "en", None),
    # ... and whom the library engages (books, buys, hires): it pays them, whatever the payment is called.
    ("Bokar biblioteket sådana uppträdanden mot betalning?", "sv", None),
    ("kan biblan boka mej till nåt evenemang o betala för det", "sv", None),
    ("Does the library ever book comedians as paid performers for its events?", "en", None),
    ("Ostaako kirjasto maksullisia esityksiä?", "fi", None),
    ("Can I book a room for a paid event?", "en", PAID),  # the asker books: their event's price
    ("Kan jag boka en sal på biblioteket för ett avgiftsbelagt evenemang?", "sv", PAID),
    ("Voiko kirjastosta ostaa lippuja?", "fi", PAID),
    ("Voiko kirjastosta ostaa ne liput?", "fi", PAID),  # "ostaa ne": buying them, not they buy
    ("Can I go to the library to buy tickets for the paid event?", "en", PAID),
    ("Jag går till biblioteket för att boka en sal för ett avgiftsbelagt evenemang", "sv", PAID),
    # A price to the asker stays one, whoever else is named.
    ("Firmamme järjestää maksullisen seminaarin yksityishenkilöille", "fi", PAID),
    ("Maksaako kirjaston digiopastus jotain?", "fi", PAID),
    ("do I have to pay for the room?", "en", PAID),
    ("måste vi betala för salen?", "sv", PAID),
    # A ticket is an entry fee; a fare is not.
    ("Can we hold a concert with tickets in the library?", "en", PAID),
    ("måste man köpa biljett dit?", "sv", PAID),
    ("myyks ne niihin lippuja?", "fi", PAID),
    ("mum keeps getting stuck buying bus tickets in the HSL app", "en", None),
    ("hjälper ni till med att köpa tågbiljetter på nätet?", "sv", None),
    ("osaako joku neuvoa bussilippujen ostamisessa?", "fi", None),
])
def test_a_text_says_free_paid_or_neither(text, language, expected):
    assert PRICE.of(text, language) == expected


def test_a_statement_answers_otherwise_when_it_says_the_opposite_price_or_denies_only_the_paid_kind():
    assert answers_otherwise(FREE, PAID, denies=True) and answers_otherwise(PAID, FREE, denies=False)
    assert not answers_otherwise(FREE, FREE, denies=False) and not answers_otherwise(PAID, PAID, denies=True)
    assert not answers_otherwise(FREE, None, denies=True)
    # "Does the library organise events?" is not answered by "it does not organise paid events" ...
    assert answers_otherwise(None, PAID, denies=True)
    # ... but is by "it organises free events".
    assert not answers_otherwise(None, FREE, denies=False) and not answers_otherwise(None, None, denies=True)


@pytest.mark.parametrize("text, language, expected", [
    ("Kirjasto ei varaa tai vuokraa tilojaan asiakkaille pitkäaikaiseen käyttöön.", "fi", LONG_TERM),
    ("Voiko yhdistys vuokrata huoneen koko syksyksi?", "fi", LONG_TERM),
    ("kan vi hyra ett rum under hela terminen?", "sv", LONG_TERM),
    ("Kan vår kör få hyra ett rum varje tisdag hela året?", "sv", LONG_TERM),
    # keeping a collection for good is preservation, not long use of a room
    ("Hoitaako kirjasto aineistojen pitkäaikaisen säilyttämisen?", "fi", None),
    ("Does the library store its collections permanently?", "en", None),
    ("bevarar dom allt permanent också?", "sv", None),
    ("Och för ett helt år?", "sv", LONG_TERM),
    ("hyr biblioteket ut lokaler för långtidsbruk", "sv", LONG_TERM),
    ("Can I rent a study room for the whole semester?", "en", LONG_TERM),
    ("Can we use the room permanently?", "en", LONG_TERM),
    ("Can I book a room at the library?", "en", None),
    ("Voiko kirjastosta varata tilan illaksi?", "fi", None),
    # Permanent preservation of collections is not a length of use.
    ("Kaupunginkirjastolla ei ole pysyvää säilytysvelvollisuutta kokoelmille", "fi", None),
    # A permanent room of one's own, a term of office, a number of years ahead.
    ("Saisiko yhdistyksemme kirjastosta pysyvän kerhohuoneen?", "fi", LONG_TERM),
    ("Voiko valtuustoryhmä vuokrata huoneen koko nelivuotiskaudeksi?", "fi", LONG_TERM),
    ("Voisimmeko varata tilan kahdeksi vuodeksi?", "fi", LONG_TERM),
    ("kan vår kör få ett fast rum på biblan?", "sv", LONG_TERM),
    ("behöver ett förråd på biblioteket i nåt år", "sv", LONG_TERM),
    ("Could our club have the same room every Monday for the next three years?", "en", LONG_TERM),
    # ... but not how long the asker has done something, nor a "fast" that is not a room.
    ("min farfar har samlat mynt i 50 år, kan han ställa ut dem?", "sv", None),
    ("I have knitted for 30 years, could I hold a free workshop?", "en", None),
    ("Kan vårt daghem få en fast kontaktperson?", "sv", None),
])
def test_a_text_speaks_of_long_term_use_or_not(text, language, expected):
    assert DURATION.of(text, language) == expected


def test_without_qualifiers_leaves_what_else_a_question_asks():
    assert without_qualifiers("What about for the whole year?", "en").split() == ["What", "about", "?"]
    assert without_qualifiers("entä maksullisia?", "fi").split() == ["entä", "?"]
    assert without_qualifiers("Does the library lend books?", "en") == "Does the library lend books?"


def test_a_no_for_long_term_use_only_does_not_answer_a_question_about_use_in_general():
    assert DURATION.answers_otherwise(None, LONG_TERM, denies=True)
    assert not DURATION.answers_otherwise(LONG_TERM, LONG_TERM, denies=True)
    assert not DURATION.answers_otherwise(None, None, denies=True)


def test_a_no_for_the_paid_kind_answers_is_it_free_with_a_yes():
    assert PRICE.denial_affirms(FREE, PAID, denies=True)
    assert not PRICE.denial_affirms(FREE, PAID, denies=False)  # "it offers paid X" does not say X is free
    assert not PRICE.denial_affirms(PAID, PAID, denies=True) and not PRICE.denial_affirms(None, PAID, denies=True)
    # Long-term use has no opposite kind that a denial would affirm.
    assert not DURATION.denial_affirms(None, LONG_TERM, denies=True)


@pytest.mark.parametrize("question, language, earlier, expected", [
    # someone other than the library would hold the paid event
    ("Voinko järjestää maksullisen tapahtuman kirjastossa?", "fi", None, True),
    ("Voinko järjestää itse maksullisen tapahtuman kirjastossa?", "fi", None, True),
    ("Voiko kirjastossa järjestää maksullisia tapahtumia?", "fi", None, True),
    ("tanssikoulu haluis pitää kevätnäytöksen jossa myydään liput, käykö kirjaston sali siihen", "fi", None, True),
    ("Får man ordna avgiftsbelagda evenemang på biblioteket?", "sv", None, True),
    ("vill köra en show me biljetter, kan ja hyra en sal på bibban", "sv", None, True),
    ("Can a company hold a paid seminar at the library?", "en", None, True),
    ("We're planning a paid workshop, can we rent a room?", "en", None, True),
    # ... in a follow-up that only adds the fee, the earlier turn says who
    ("tai siis tarkotin et siihen ois pääsymaksu, onnistuuko se?", "fi", "Voinko järjestää kirjastossa ilmaisen runoillan?", True),
    ("förlåt, jag menade för mitt företag, med biljetter", "sv", "Kan jag ordna en gratis boklansering på biblioteket?", True),
    # the library itself would
    ("Järjestääkö kirjasto maksullisia tapahtumia?", "fi", None, False),
    ("Ordnar biblioteket avgiftsbelagda evenemang?", "sv", None, False),
    ("Om jag vill ordna en workshop med deltagaravgift, kan biblioteket stå som arrangör?", "sv", None, False),
    ("Does the library organise paid events?", "en", None, False),
    ("myyks ne niihin lippuja?", "fi", "Onks kirjastossa kirjailijavierailuja?", False),
    # no event held, or nothing paid
    ("måste jag betala om jag vill läsa e-tidningar via biblioteket", "sv", None, False),
    ("Can I hold a free poetry reading at the library?", "en", None, False),
    ("Do I have to pay for events?", "en", None, False),
])
def test_a_paid_event_someone_other_than_the_library_would_hold(question, language, earlier, expected):
    assert asks_as_organiser(question, language, earlier) is expected


@pytest.mark.parametrize("question, language, expected", [
    ("entä tulevaisuudessa, et palveluja ois paremmin saatavilla laitakaupungilla?", "fi", True),
    ("Aikooko kirjasto toimia jatkossa enemmän alustana?", "fi", True),
    ("Planerar biblioteket att göra sina tjänster lättare att nå?", "sv", True),
    ("kommer man kunna låna verktyg via biblan i framtiden?", "sv", True),
    ("will the library do more with sharing in the future?", "en", True),
    ("does the library plan to open more branches?", "en", True),
    # the asker's own plans, idioms and the present are not the library's future
    ("aion järjestää tapahtuman kirjastossa", "fi", False),
    ("vi planerar en fest, kan vi hyra en sal?", "sv", False),
    ("hur kommer det sig att det är samma nätbibliotek?", "sv", False),
    ("We're planning a training programme for library staff", "en", False),
    ("Will it be easy to find a library near my home?", "en", False),
    ("Does the library lend books?", "en", False),
])
def test_a_question_about_plans_or_the_future(question, language, expected):
    from assistant.qualifiers import asks_about_future

    assert asks_about_future(question, language) is expected
