"""A deterministic stand-in for the core assistant, and a helper that serves the web app on a loopback port.

The fake answers by keyword rules with canned answers and real sentences of the document as citations, so
the web tests do not depend on retrieval quality or models.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.contract import Answer, Citation, InputError, Turn

SOURCE = "kirjastopalvelukokonaisuuden-tyonjaot.txt"

# (section, heading, paragraph, quote) from the document.
PASSAGES = {
    "events": (
        "2.1",
        "Kirjasto toteuttaa omana palvelutuotantona",
        "Kirjasto tarjoaa tiloja oppimiseen, harrastamiseen, työskentelyyn ja kansalaistoimintaan. Asiakastilat ja "
        "kokoustilat ovat avoimia kaikille, osin myös omatoimisesti palveluaikojen ulkopuolella. Kirjasto järjestää "
        "itse sekä tarjoaa kaupunkilaisille mahdollisuuden järjestää maksuttomia tapahtumia, näyttelyitä ja "
        "opastuksia.",
        "Kirjasto järjestää itse sekä tarjoaa kaupunkilaisille mahdollisuuden järjestää maksuttomia tapahtumia, "
        "näyttelyitä ja opastuksia.",
    ),
    "computers": (
        "2.1",
        "Kirjasto toteuttaa omana palvelutuotantona",
        "Kirjasto on yhteiskunnan keskeisin avoin palveluntarjoaja digitaalisen asioinnin mahdollistamisessa. "
        "Kirjasto tarjoaa pääsyn ja opastuksen asiakastietokoneille.",
        "Kirjasto tarjoaa pääsyn ja opastuksen asiakastietokoneille.",
    ),
    "performers": (
        "2.2",
        "Kirjasto ostaa palveluna",
        "Kirjasto ostaa asiantuntija- ja tapahtumapalveluja, kuten esiintyjiä ja teknisiä tuotantopalveluja "
        "erilaisiin tilaisuuksiin.",
        "Kirjasto ostaa asiantuntija- ja tapahtumapalveluja, kuten esiintyjiä",
    ),
    "seniors": (
        "2.3",
        "Kirjasto tuottaa yhteistyössä",
        "Kirjastotilassa sekä etänä toteutettavassa digineuvonnassa keskeisiä kumppaneita ovat senioreiden "
        "digineuvontaa järjestävä Enter ry, oppilaitokset ja kaupungin digineuvontapalvelut.",
        "digineuvonnassa keskeisiä kumppaneita ovat senioreiden digineuvontaa järjestävä Enter ry",
    ),
    "selling": (
        "2.4",
        "Kirjasto ei tee",
        "Kirjaston tehtäviin ei kuulu lukutaidon alkeisopetus vaan sitä hoitavat oppilaitokset. "
        "Kaupunginkirjastolla ei myöskään ole kirjamyyntiä tai omaa kustannustoimintaa.",
        "Kaupunginkirjastolla ei myöskään ole kirjamyyntiä tai omaa kustannustoimintaa.",
    ),
    "rooms": (
        "2.4",
        "Kirjasto ei tee",
        "Kaupunginkirjasto ei itse järjestä maksullisia tapahtumia vaan vuokraa tiloja tapahtumajärjestäjille. "
        "Kirjasto ei varaa tai vuokraa tilojaan asiakkaille pitkäaikaiseen käyttöön.",
        "Kirjasto ei varaa tai vuokraa tilojaan asiakkaille pitkäaikaiseen käyttöön.",
    ),
    "elibrary": (
        "3",
        "Työnjakoon liittyviä selvitettäviä asioita",
        "Helsingin kaupunginkirjasto vastaa Suomen kuntien yhteisen e-kirjaston rakentamishankkeesta, jossa haetaan "
        "uusia toimintamalleja ja teknologiaratkaisuja digitaalisten aineistojen yhdenvertaisen saatavuuden "
        "parantamiseen koko Suomessa.",
        "Helsingin kaupunginkirjasto vastaa Suomen kuntien yhteisen e-kirjaston rakentamishankkeesta",
    ),
}

# (keyword pattern, passage, verdict): first match wins.
RULES = (
    (r"myy|sell|sälj|kirjamyyn", "selling", "no"),
    (r"pitkäaikai|long-term|långvarig|rent|vuokra|hyr", "rooms", "no"),
    (r"esiinty|artist|perform", "performers", "purchased"),
    (r"digineuvo|senior|digital råd|digital help", "seniors", "partnership"),
    (r"e-kirjast|e-librar|e-bibliotek", "elibrary", "developing"),
    (r"tietokone|dator|computer", "computers", "yes"),
    (r"tapahtum|event|evenemang", "events", "yes"),
)

ANSWERS = {
    "yes": {"fi": "Kyllä, kirjasto tekee tämän itse.", "sv": "Ja, biblioteket gör det själv.",
            "en": "Yes, the library does this itself."},
    "purchased": {"fi": "Kirjasto ostaa tämän palveluna.", "sv": "Biblioteket köper det som en tjänst.",
                  "en": "The library buys this as a service."},
    "partnership": {"fi": "Kirjasto tekee tämän yhteistyössä kumppaneiden kanssa.",
                    "sv": "Biblioteket gör det i samarbete med partner.",
                    "en": "The library does this together with partners."},
    "no": {"fi": "Ei, kirjasto ei tee tätä.", "sv": "Nej, biblioteket gör inte det.",
           "en": "No, the library does not do this."},
    "developing": {"fi": "Kirjasto kehittää tätä parhaillaan.", "sv": "Biblioteket håller på att utveckla det.",
                   "en": "The library is developing this."},
    "not_covered": {"fi": "Työnjakokuvaus ei kerro tästä.", "sv": "Beskrivningen säger inget om det.",
                    "en": "The description does not say anything about this."},
}
REFERRAL = {"fi": "Kysy kirjaston henkilökunnalta.", "sv": "Fråga bibliotekets personal.",
            "en": "Ask the library staff."}

SV_WORDS = {"biblioteket", "erbjuder", "köper", "säljer", "kan", "jag", "och", "låna", "för", "sina", "datorer"}
EN_WORDS = {"does", "the", "library", "can", "is", "what", "about", "i", "a", "for", "sell"}


def detect_language(text: str) -> str:
    words = set(re.findall(r"[\wåäö-]+", text.lower()))
    if words & SV_WORDS:
        return "sv"
    if words & EN_WORDS:
        return "en"
    return "fi"


def citation(name: str, offset: int = 1000) -> Citation:
    section, heading, paragraph, quote = PASSAGES[name]
    start = offset + paragraph.index(quote)
    return Citation(section=section, heading=heading, quote=quote, source=SOURCE, start=start,
                    end=start + len(quote), paragraph=paragraph, paragraph_start=offset)


@dataclass
class Call:
    question: str
    history: tuple[Turn, ...]


class FakeAssistant:
    """Answers by keyword rules; records every call; optionally waits (delay, barrier) to test concurrency."""

    def __init__(self, max_chars: int = 500, delay: float = 0.0, barrier: threading.Barrier | None = None):
        self.max_chars = max_chars
        self.delay = delay
        self.barrier = barrier
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        if not isinstance(question, str) or not question.strip():
            raise InputError("Please write a question.")
        if len(question) > self.max_chars:
            raise InputError(f"The question is too long (at most {self.max_chars} characters).")
        with self._lock:
            self.calls.append(Call(question, tuple(history)))
        if self.barrier is not None:
            self.barrier.wait(timeout=10)
        if self.delay:
            time.sleep(self.delay)
        if "explode" in question.lower():
            raise RuntimeError("simulated failure")
        language = detect_language(question)
        text = question.lower()
        # A follow-up ("entä ...", "what about ...") is read with the previous question.
        if history and re.match(r"^(entä|what about|och|how about)\b", text):
            earlier = [t.content for t in history if t.role == "user"]
            if earlier:
                text = earlier[-1].lower() + " " + text
        for pattern, passage, verdict in RULES:
            if re.search(pattern, text):
                return Answer(question=question, language=language, verdict=verdict,
                              answer=ANSWERS[verdict][language], referral=None, citations=(citation(passage),))
        return Answer(question=question, language=language, verdict="not_covered",
                      answer=ANSWERS["not_covered"][language], referral=REFERRAL[language], citations=())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerThread:
    """Serve an ASGI app with uvicorn on 127.0.0.1 in a background thread (for browser tests)."""

    def __init__(self, app, port: int | None = None):
        import uvicorn

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False,
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
