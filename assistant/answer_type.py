"""What kind of fact a question asks for. The description states roles (who does what), never amounts,
prices, clock times or contact details, so a question that asks for one of those is answered only if the
evidence holds one: otherwise the honest answer is that the description does not cover it."""

from __future__ import annotations

import re

_AMOUNT_OR_TIME = re.compile(
    r"""
    \b(how\s+(much|many|long|often)|what\s+time|at\s+what\s+time|which\s+hours)\b
    # a question that opens with "when" asks for a date or a time ("when will ... be ready"), unless it opens a
    # clause setting the scene: "when there's a band at an event, is it hired?", "när jag ställer en fråga ...,
    # svarar ...?". In English a time question puts a verb after "when"; in Swedish a scene clause has a
    # subject there or ends in a comma before the main question ("när biblan har konsert, köper dom ...").
    | ^\W*when\b(?=\s+(is|are|was|were|will|would|did|does|do|can|could|should|shall|has|have|had|may|might|must)\b)
    | ^\W*when(\W*$|'s\b|s\b)  # "when?", "when's the next one?"
    | ^\W*milloin\b
    | ^\W*när\b(?!\s+(jag|vi|man|du|ni|någon|min|mitt|mina|vår|vårt|våra|en|ett|det|den|de|dom)\b)(?![^,?]*,\s*(?!och\b|and\b)\w)
    | \b(what|when|which)\b.*\bopening\s+hours\b | \bopening\s+hours\b.*\b(sundays?|saturdays?|holidays?|today|tomorrow)\b
    | \b(what\s+does\b.*\bcost|price\s+of|how\s+expensive)\b
    | \b(paljonko|(kuinka|miten)\s+(paljon|monta|kauan|usein|pitkä\w*)|montako|mihin\s+aikaan|moneltako|monelta)\b
    | \bmitä\b[^?]*\bmaksaa\b | \b(hinta|hinnat|hintaa|hinnasto)\b
    | \b(milloin|mitkä)\b.*\baukiolo | \baukioloaj\w*\b.*\b(sunnuntai\w*|lauantai\w*|pyhä\w*|tänään|huomenna)\b
    | \b(hur\s+(mycket|många|länge|ofta)|hur\s+dags|vad\s+kostar|när\s+(öppnar|stänger)|priset|kostnaden)\b
    | \b(vilka|när)\b.*\böppettid | \böppettid\w*\b.*\b(söndag\w*|lördag\w*|helgdag\w*|idag|i\s+morgon)\b
    # a day, a date or a year; an age, a share or a speed: the description states none
    | \b(on\s+)?(which|what)\s+(days?|weekdays?|dates?|years?|months?|weeks?|period|time\s*frame)\b
    | \bwhat\s+are\s+the\s+([\w-]+\s+){0,2}hours\b
    | \b(vilka|vilken|vilket)\s+(dag(ar)?|veckodag(ar)?|datum|år|månad(er)?|vecka|veckor|tid|tider|(tids)?period)\b
    | \b(minä|mihin|millä|minkä|mitkä|mikä|mille|miltä)\s+(päivinä|päivänä|päivät|päivä|viikonpäivinä|vuonna|vuoteen|
        vuosina|vuosille|vuosilta|vuodet|kuukautena|viikolla|kellonaikana|ajalle|ajalta|aikavälillä|ajanjakso\w*)\b
    | \b(how\s+old|what\s+age|at\s+what\s+age|how\s+(fast|quickly|soon)|what\s+(percentage|share|proportion))\b
    | \b(hur\s+(gammal|gamla|snabbt|fort|snart|stor\s+(del|andel|summa))|vid\s+vilken\s+ålder|i\s+procent)\b
    | \b((kuinka|miten)\s+(vanha\w*|nopea\w*|pian|suuri|iso)|minkä\s+ikäi\w*|monenko\s+vuoden|prosent\w*)\b
    # a rate ("what does the library pay a sound technician per hour"); not "a salary", which may ask whether
    # the library pays at all ("Betalar biblioteket lön till artisterna?")
    | \b(per|an)\s+hour\b | \bhourly\b
    | \bper\s+timme\b | \bi\s+timmen\b | \btim(lön|pris|arvode|taxa)\w*
    | \btunti(palk|hin|veloit|taksa)\w* | \b(tunnilta|tunnissa)\b
    | \bmaximum\s+number\b | \b(time|age)\s+limit | \b(tidsgräns|åldersgräns|aikaraja|ikäraja)\w*
    # open on a given day: the description says only that the hours are long
    | \bopen\b[^?.!]*\b(sundays?|saturdays?|holidays?|christmas|easter|midsummer|new\s+year'?s?)\b
    | \böppe[nt]\b[^?.!]*\b(söndag\w*|lördag\w*|helgdag\w*|helger(na)?|jul(afton|dagen|en)?|påsk\w*|midsommar\w*|nyår\w*)\b
    | \bauki\b[^?.!]*\b(sunnuntai\w*|lauantai\w*|pyhä\w*|juhannu\w*|joulu\w*|pääsiäi\w*|uudenvuo\w*)
    | \b(sunnuntai\w*|lauantai\w*|pyhä\w*|juhannu\w*|joulu\w*|pääsiäi\w*|uudenvuo\w*)[^?.!]*\bauki\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Contact details: where to call, write or go. Whole words only, so "addresses" in "the library addresses
# reading" does not count; Finnish and Swedish compounds end in the word ("kotiosoite", "hemadress"). E-mail on
# its own is a thing one uses ("help me read my e-mail"), an address only when asked for ("what is their e-mail?").
_CONTACT_DETAIL = re.compile(
    r"""
    \b(phone|telephone)\s+number | \b(e-?mail|postal|street|home|web)\s+address | \bwhat\s+is\s+the\s+address\b
    | \baddress\s+of\b | \bcontact\s+details\b
    | \b(what('s|\s+is)|which)\s+(the\s+|their\s+|its\s+|your\s+)?e-?mail\b
    | \w*(puhelinnumer|osoite|osoitte)\w* | \b(mikä|mihin|minne)\s+(on\s+)?(\w+\s+){0,2}?sähköpost\w*
    | \w*(telefonnumr|telefonnummer|adress(en|er|erna)?\b)\w* | \b(vad\s+är|vilken)\s+(\w+\s+){0,2}?e-post\w*
    """,
    re.IGNORECASE | re.VERBOSE,
)
# How to apply, book or sign up: the description says who does what, not how to go about it.
_PROCEDURE = re.compile(
    r"""
    \bhow\s+(do|can|could|would|should|does)\s+(i|we|you|one|someone|my\s+\w+|our\s+\w+|an?\s+\w+)\s+
        (apply|book|reserve|register|sign\s+up|enrol|enroll|get\s+in\s+touch)\b
    | \bhow\s+to\s+(apply|book|reserve|register|sign\s+up|enrol|enroll)\b
    | \b(is\s+there|where\s+(is|do\s+i\s+find|can\s+i\s+find|do\s+i\s+get))\s+(a|an|the)\s+(\w+\s+)?form\b
    | \bwhere\s+(do|can|should)\s+(i|we)\s+(apply|sign\s+up|register)\b
    | \bhur\s+(ansöker|bokar|reserverar|anmäler|registrerar)\b
    | \bhur\s+(kan|ska|gör)\s+(man|jag|vi)\s+(för\s+att\s+)?(ansöka|boka|reservera|anmäla|registrera)\b
    | \b(finns\s+det|var\s+finns|var\s+hittar\s+(jag|man))\b[^?.!]{0,20}(blankett|formulär)
    | \b(var|vart)\s+(ansöker|anmäler|skickar)\b
    | \b(miten|kuinka|mistä|mihin|minne)\b[^?.!]{0,30}\b(hae(n|mme|taan|tte)?|hakea|haetaan|varaa(n|mme)?|
        varata(an)?|varataan|ilmoittau\w*|rekisteröi\w*)\b
    | \b(onko|onks|mistä|missä)\b[^?.!]{0,20}(lomake|lomakkee|hakemus|hakemukse|hakuaika|hakuaja)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Which company, school or publisher: the description names its partners by kind ("yritysten", "oppilaitosten").
_ORGANISATION_NAME = re.compile(
    r"""
    \b(which|what)\s+(\w+\s+)?(companies|company|firms?|schools?|publishers?|publishing\s+houses?)\b
    | \bname\s+of\s+the\s+(company|firm|school|publisher)\b
    | \b(vilket|vilka|vad\s+heter)\s+(\w+\s+)?(företag|företaget|firma|firman|firmor|skola|skolan|skolor|skolorna|
        förlag|förlaget|förlagen)\b
    | \b(mikä|mitkä|minkä|mistä|miltä|mille|keneltä)\s+(yritys|yritykset|yrityksen|yrityksiltä|yritykseltä|yrityksestä|
        firma\w*|koulu\w*|kustantaj\w*|kustantamo\w*)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Who a particular person is (the director, a contact person): the description names organisations, no people.
_PERSON = re.compile(
    r"""
    \b(who|what)('s|\s+is|\s+are|\s+was)\s+(the\s+)?(\w+\s+){0,3}?(director|head|chief|manager|boss|contact\s+person|
        chair(man|person|woman)?|ceo|person\s+in\s+charge|person\s+responsible)\b
    | \bname\s+of\s+the\s+(director|head|chief|manager|contact\s+person)\b
    | \bkuka\s+(on|ois|olis|oli)\s+(\w+\s+){0,3}?\w*(johtaja|yhteyshenkilö|päällikkö|esimies|esihenkilö|vastuuhenkilö|
        puheenjohtaja)\w*
    | \bvem\s+(är|e|var)\s+(\w+\s+){0,3}?\w*(chef|direktör|kontaktperson|ordförande|föreståndare)\w*
    # a contact person at all ("could our daycare have a named contact person?"): a person, not a role
    | \bcontact\s+persons?\b | \bkontaktperson\w* | \w*yhteyshenkilö\w*
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Who owns something (buildings, data): the description says who does what, never who owns what.
_OWNER = re.compile(
    r"""
    \bwho\s+owns\b | \bwho\s+(is|are)\s+(the\s+)?owners?\b | \bowned\s+by\s+(whom|who)\b | \bwhose\s+property\b
    | \bvem\s+(äger|ägs|är\s+ägare)\b | \bvems\s+egendom\b
    | \bkuka\s+omistaa\b | \bkenen\s+(omist\w*|omaisuut\w*)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_OWNERSHIP_STATED = re.compile(r"omista|omaisuu", re.IGNORECASE)
# Which languages: the description names the multilingual library as a task but lists no languages.
_LANGUAGES = re.compile(
    r"""
    \b(which|what)\s+languages?\b
    | \b(på\s+)?(vilka|vilket)\s+språk\b
    | \b(millä|mitä|mitkä|minkä)\s+kiel(i|t|ellä|illä|iä|ten|istä)\b | \bminkä\s*kielis\w*
    """,
    re.IGNORECASE | re.VERBOSE,
)
_LANGUAGE_STATED = re.compile(
    r"\b(suome|ruotsi|englanni|saame|venäjä|viro|arabia|somali)(ksi|n\s*kiel\w*)|\b(finska|svenska|engelska|finnish|swedish|english)\b",
    re.IGNORECASE,
)
# How to pay (cash, card, invoice): the description says which services are free or paid, never how one pays.
_PAYMENT_METHOD = re.compile(
    r"""
    \bpay\w*\s+(by|with|in)\s+(cash|cards?|credit|debit|mobile|phone|invoice)\b | \b(cash|card)\s+payments?\b
    | \baccepts?\s+(cash|cards?|credit\s+cards?)\b
    | \bbetala\w*\s+(med\s+)?(kontant\w*|kort\w*|swish|mobil\w*|faktura)\b | \b(kontant|kort)betalning\w*
    | \btar\s+\w+\s+(emot\s+)?(kontant\w*|kort)\b
    | \b(käteisellä|kortilla|pankkikortilla|luottokortilla|laskulla|mobiilimaksu\w*)\b | \b(käteis\w*|korttimaksu\w*)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PROCEDURE_STATED = re.compile(r"lomak|hakemu|hakuai|ilmoittautu", re.IGNORECASE)  # a form, application, sign-up
_NAME_INSIDE = re.compile(r"(?<=[\w,] )[A-ZÅÄÖ]\w+")
# Finland and Helsinki are places: "Suomen kuntien yhteinen e-kirjasto" names no company or publisher.
_PLACE = re.compile(r"^(Suom|Helsin|Finland|Helsingfors)")
_NUMBER = re.compile(r"\d")
# A statute's number ("laki 1492/2016") is a reference, not an amount or a time the text states.
_STATUTE_NUMBER = re.compile(r"\b\d+/\d{4}\b")


# "regardless of how much money one has" asks for no amount.
_CONCESSIVE = re.compile(r"\b(regardless\s+of|no\s+matter|oavsett|riippumatta(\s+siitä)?)\s+(how|hur|kuinka|miten)\s+\w+", re.I)


def asks_for_amount_or_time(question: str) -> bool:
    """True for "how much / how many / what time / what are the opening hours" questions in fi, sv or en."""
    return bool(_AMOUNT_OR_TIME.search(_CONCESSIVE.sub(" ", question)))


def asks_for_contact_detail(question: str) -> bool:
    """True for "what is the phone number / address / e-mail of ..." questions in fi, sv or en."""
    return bool(_CONTACT_DETAIL.search(question))


def states_contact_detail(text: str) -> bool:
    return "@" in text or states_amount_or_time(text)


def states_amount_or_time(text: str) -> bool:
    return bool(_NUMBER.search(_STATUTE_NUMBER.sub(" ", text)))


def asks_for_procedure(question: str) -> bool:
    """True for "how do I apply / book / sign up, is there a form" questions in fi, sv or en."""
    return bool(_PROCEDURE.search(question))


def asks_for_owner(question: str) -> bool:
    """True for "who owns the library buildings" questions in fi, sv or en."""
    return bool(_OWNER.search(question))


def states_owner(text: str) -> bool:
    return bool(_OWNERSHIP_STATED.search(text))


def asks_for_languages(question: str) -> bool:
    """True for "in which languages ..." questions in fi, sv or en."""
    return bool(_LANGUAGES.search(question))


def states_languages(text: str) -> bool:
    return bool(_LANGUAGE_STATED.search(text))


def asks_for_payment_method(question: str) -> bool:
    """True for "can I pay in cash / by card" questions in fi, sv or en."""
    return bool(_PAYMENT_METHOD.search(question))


def states_payment_method(text: str) -> bool:
    return bool(_PAYMENT_METHOD.search(text))


def states_procedure(text: str) -> bool:
    return bool(_PROCEDURE_STATED.search(text))


def asks_for_organisation_name(question: str) -> bool:
    """True for "which company / school / publisher" questions in fi, sv or en."""
    return bool(_ORGANISATION_NAME.search(question))


def asks_for_person(question: str) -> bool:
    """True for "who is the director / the contact person" questions in fi, sv or en."""
    return bool(_PERSON.search(question))


def states_name(text: str) -> bool:
    """A capitalised word after the first, not a place: a name ("Enter ry", "Celia-kirjasto")."""
    return any(not _PLACE.match(name) for name in _NAME_INSIDE.findall(text))


# Each kind of fact the description never states: how to recognise the question, the evidence that would
# state one after all, and whether a "no" answers it ("how do I apply for a grant?": the library gives none).
# Checked in order; the first kind the question asks for is the one named.
_UNSTATED_FACTS = (
    ("an amount or a time", asks_for_amount_or_time, states_amount_or_time, False),
    ("a contact detail", asks_for_contact_detail, states_contact_detail, False),
    ("a way to apply or book", asks_for_procedure, states_procedure, True),
    ("a way to pay", asks_for_payment_method, states_payment_method, False),
    ("the name of a company, school or publisher", asks_for_organisation_name, states_name, True),
    ("who a particular person is", asks_for_person, states_name, False),
    ("who owns something", asks_for_owner, states_owner, False),
    ("which languages", asks_for_languages, states_languages, False),
)

UNSTATED_KINDS = tuple(kind for kind, _, _, _ in _UNSTATED_FACTS)


def fact_asked_for(question: str) -> str | None:
    """The kind of fact ("an amount or a time", "a contact detail", ...) the question asks for, if any."""
    return next((kind for kind, asks, _, _ in _UNSTATED_FACTS if asks(question)), None)


def states_fact(kind: str, text: str, *, denies: bool = False) -> bool:
    """Whether the text (a denial, when `denies`) answers a question asking for a fact of this kind."""
    states, denial_answers = next((states, denial) for name, _, states, denial in _UNSTATED_FACTS if name == kind)
    return (denies and denial_answers) or states(text)
