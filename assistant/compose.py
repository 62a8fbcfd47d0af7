"""Writing the answer: a verdict sentence in the asker's language, what the document says, and a referral.

No language model: the answer is assembled from fixed sentences and the cited units themselves (their
Finnish text, or their aligned Swedish/English translation). Quotes in citations stay verbatim Finnish.
"""

from __future__ import annotations

from assistant.aligned import Alignment
from assistant.contract import Answer, Citation
from assistant.corpus import Corpus, Unit
from assistant.qualifiers import rents_spaces
from assistant.verdict import Decision

LEADS: dict[str, dict[str, str]] = {
    "yes": {
        "fi": "Kyllä, kirjasto tekee tämän itse.",
        "sv": "Ja, biblioteket gör det själv.",
        "en": "Yes, the library does this itself.",
    },
    "purchased": {
        "fi": "Kyllä, mutta kirjasto ostaa tämän palveluna.",
        "sv": "Ja, men biblioteket köper det som en tjänst.",
        "en": "Yes, but the library buys this as a service.",
    },
    "partnership": {
        "fi": "Kyllä, kirjasto tekee tämän yhteistyössä kumppanien kanssa.",
        "sv": "Ja, biblioteket gör det i samarbete med partner.",
        "en": "Yes, the library does this together with partners.",
    },
    "no": {
        "fi": "Ei, kirjasto ei tee tätä.",
        "sv": "Nej, biblioteket gör inte det.",
        "en": "No, the library does not do this.",
    },
    "developing": {
        "fi": "Tätä selvitetään tai kehitetään parhaillaan; se ei ole vielä vakiintunut palvelu.",
        "sv": "Det här utreds eller utvecklas just nu; det är ännu inte en etablerad tjänst.",
        "en": "This is being investigated or developed; it is not yet an established service.",
    },
    "not_covered": {
        "fi": "Kirjaston työnjakokuvaus ei vastaa tähän kysymykseen, joten en voi sanoa varmasti.",
        "sv": "Bibliotekets beskrivning av arbetsfördelningen svarar inte på den här frågan, så jag kan inte säga säkert.",
        "en": "The library's division-of-labour description does not answer this, so I cannot say for sure.",
    },
}

# The answer to "is it free?" when the description says the library does not offer the paid kind.
AFFIRMED_BY_DENIAL = {
    "free": {
        "fi": "Kyllä, maksutta: kirjasto ei tarjoa tätä maksullisena.",
        "sv": "Ja, avgiftsfritt: biblioteket erbjuder det inte mot avgift.",
        "en": "Yes, free of charge: the library does not offer it as a paid service.",
    },
}

# A yes from the statement that the library rents its spaces to event organisers: "Yes, the library does this
# itself", followed by "The City Library does not itself organise paid events. Instead, it rents spaces to event
# organisers.", read as a contradiction to "Can I organise a paid event at the library?".
RENTS_TO_ORGANISERS = {
    "fi": "Kyllä: kirjasto vuokraa tiloja tapahtumien järjestäjille.",
    "sv": "Ja: biblioteket hyr ut lokaler till dem som ordnar evenemang.",
    "en": "Yes: the library rents its spaces to event organisers.",
}

SAYS = {"fi": "Kuvauksen mukaan: {text}", "sv": "Enligt beskrivningen: {text}", "en": "The description says: {text}"}
SAYS_UNTRANSLATED = {
    "fi": "Kuvauksen mukaan: {text}",
    "sv": "Beskrivningen säger (på finska): \u201c{text}\u201d",
    "en": "The description says (in Finnish): \u201c{text}\u201d",
}
PARTNERS = {"fi": "Kumppaneita: {actors}.", "sv": "Partner: {actors}.", "en": "Partners: {actors}."}
INSTEAD = {
    "fi": "Tätä hoitaa sen sijaan: {actors}.",
    "sv": "I stället sköts det av: {actors}.",
    "en": "Instead, this is handled by: {actors}.",
}
NOT_COVERED_REFERRAL = {
    "fi": "Kysy kirjaston henkilökunnalta tai katso Helmet-kirjastojen sivuilta: {url}",
    "sv": "Fråga bibliotekets personal eller se Helmet-bibliotekens webbplats: {url}",
    "en": "Please ask the library staff or see the Helmet libraries' website: {url}",
}
# After an answer the coverage model was unsure of (`Decision.doubtful`); the referral then points onward.
MAY_NOT_ANSWER = {
    "fi": "Kuvaus ei välttämättä vastaa juuri siihen, mitä kysyit.",
    "sv": "Beskrivningen svarar kanske inte på just det du frågade.",
    "en": "The description may not answer exactly what you asked.",
}
# A not_covered the coverage model was unsure of (`Decision.closest`) opens with this instead, and goes on to
# what the description says nearest.
NOT_COVERED_UNSURE = {
    "fi": "Kirjaston työnjakokuvaus ei näytä vastaavan tähän suoraan, joten en voi sanoa varmasti.",
    "sv": "Bibliotekets beskrivning av arbetsfördelningen verkar inte svara direkt på det här, så jag kan inte säga säkert.",
    "en": "The library's division-of-labour description does not seem to answer this directly, so I cannot say for sure.",
}
# A not_covered because the question asks for a kind of fact the description never states (`Decision.unstated`,
# keyed by `answer_type.UNSTATED_KINDS`): what it lacks, so the person knows where else to look.
UNSTATED = {
    "an amount or a time": {
        "fi": "Kuvaus kertoo, kuka tekee mitäkin, mutta siinä ei ole määriä, hintoja, päivämääriä eikä kellonaikoja.",
        "sv": "Beskrivningen säger vem som gör vad, men den anger inga antal, priser, datum eller tider.",
        "en": "It says who does what, but gives no amounts, prices, dates or times.",
    },
    "a contact detail": {
        "fi": "Kuvaus kertoo, kuka tekee mitäkin, mutta siinä ei ole yhteystietoja, kuten puhelinnumeroita tai osoitteita.",
        "sv": "Beskrivningen säger vem som gör vad, men den anger inga kontaktuppgifter som telefonnummer eller adresser.",
        "en": "It says who does what, but gives no contact details such as phone numbers or addresses.",
    },
    "a way to apply or book": {
        "fi": "Kuvaus kertoo, kuka tekee mitäkin, mutta ei sitä, miten haetaan, ilmoittaudutaan tai varataan.",
        "sv": "Beskrivningen säger vem som gör vad, men inte hur man ansöker, anmäler sig eller bokar.",
        "en": "It says who does what, but not how to apply, sign up or book.",
    },
    "a way to pay": {
        "fi": "Kuvaus kertoo, kuka tekee mitäkin, mutta ei sitä, miten maksetaan.",
        "sv": "Beskrivningen säger vem som gör vad, men inte hur man betalar.",
        "en": "It says who does what, but not how to pay.",
    },
    "the name of a company, school or publisher": {
        "fi": "Kuvaus kertoo, kuka tekee mitäkin, mutta ei nimeä kysymääsi yritystä, koulua tai kustantajaa.",
        "sv": "Beskrivningen säger vem som gör vad, men den namnger inte företaget, skolan eller förlaget du frågar om.",
        "en": "It says who does what, but does not name the company, school or publisher you ask about.",
    },
    "who a particular person is": {
        "fi": "Kuvaus kertoo, kuka tekee mitäkin, mutta siinä ei mainita ketään henkilöä nimeltä.",
        "sv": "Beskrivningen säger vem som gör vad, men den nämner ingen person vid namn.",
        "en": "It says who does what, but names no individual people.",
    },
    "who owns something": {
        "fi": "Kuvaus kertoo, kuka tekee mitäkin, mutta ei sitä, kuka omistaa mitäkin.",
        "sv": "Beskrivningen säger vem som gör vad, men inte vem som äger vad.",
        "en": "It says who does what, but not who owns what.",
    },
    "which languages": {
        "fi": "Kuvaus kertoo, kuka tekee mitäkin, mutta ei sitä, millä kielillä.",
        "sv": "Beskrivningen säger vem som gör vad, men inte på vilka språk.",
        "en": "It says who does what, but not in which languages.",
    },
}
CLOSEST = {
    "fi": "Lähimpänä kysymystäsi kuvauksessa on tämä, mutta se ei välttämättä vastaa siihen: {text}",
    "sv": "Närmast din fråga kommer det här i beskrivningen, men det svarar kanske inte på den: {text}",
    "en": "The closest the description comes is this, which may not answer your question: {text}",
}
UNSUPPORTED_LANGUAGE = (
    "I can answer in Finnish, Swedish and English. Voit kysyä suomeksi. Du kan fråga på svenska."
)
# The answer to a question about a whole category ("what does the library not do?"), before its statements.
CATEGORY_LEADS: dict[str, dict[str, str]] = {
    "yes": {
        "fi": "Kuvauksen mukaan kirjasto tuottaa itse nämä palvelut:",
        "sv": "Enligt beskrivningen producerar biblioteket själv de här tjänsterna:",
        "en": "According to the description, the library provides these services itself:",
    },
    "purchased": {
        "fi": "Kuvauksen mukaan kirjasto ostaa palveluna:",
        "sv": "Enligt beskrivningen köper biblioteket in som tjänst:",
        "en": "According to the description, the library buys as a service:",
    },
    "partnership": {
        "fi": "Kuvauksen mukaan kirjasto tuottaa nämä yhteistyössä kumppanien kanssa:",
        "sv": "Enligt beskrivningen gör biblioteket det här i samarbete med partner:",
        "en": "According to the description, the library does these together with partners:",
    },
    "no": {
        "fi": "Kuvauksen mukaan nämä eivät kuulu kirjaston tehtäviin:",
        "sv": "Enligt beskrivningen gör biblioteket inte det här:",
        "en": "According to the description, the library does not do these:",
    },
    "developing": {
        "fi": "Kuvauksen mukaan näitä selvitetään tai kehitetään parhaillaan:",
        "sv": "Enligt beskrivningen utreds eller utvecklas det här just nu:",
        "en": "According to the description, these are being investigated or developed:",
    },
}
CORE_TASKS_LEAD = {
    "fi": "Kuvauksen mukaan kirjaston ydintehtävät ja lakisääteiset tehtävät ovat nämä:",
    "sv": "Enligt beskrivningen är det här bibliotekets kärnuppgifter och lagstadgade uppgifter:",
    "en": "According to the description, these are the library's core and statutory tasks:",
}
# After the list of what the library does itself, for "what does the library do?": the rest of the division of labour.
OTHER_CATEGORIES = {
    "fi": "Lisäksi kirjasto ostaa osan palveluista, tuottaa osan yhteistyössä, jättää joitakin tehtäviä muille ja "
    "selvittää vielä joitakin asioita. Voit kysyä niistä erikseen, esimerkiksi \u201cMitä kirjasto ei tee?\u201d",
    "sv": "Dessutom köper biblioteket in vissa tjänster, gör en del i samarbete, lämnar vissa uppgifter åt andra och "
    "utreder fortfarande vissa frågor. Du kan fråga om dem var för sig, till exempel \u201cVad gör biblioteket inte?\u201d",
    "en": "The library also buys some services, produces some with partners, leaves some tasks to others and is still "
    "investigating some matters. You can ask about each, for example \u201cWhat does the library not do?\u201d",
}
ALSO = {
    "fi": "Lisäksi kuvauksessa sanotaan: {text}",
    "sv": "Beskrivningen säger också: {text}",
    "en": "The description also says: {text}",
}


class AnswerWriter:
    """Turns a decision into the contract's Answer, in the question's language."""

    def __init__(self, corpus: Corpus, alignment: Alignment, referral_url: str):
        self.corpus = corpus
        self.alignment = alignment
        self.referral_url = referral_url

    def write(self, question: str, language: str, decision: Decision) -> Answer:
        if decision.lists:
            return self._category(question, language, decision)
        verdict = decision.verdict
        lead = AFFIRMED_BY_DENIAL[decision.affirms] if decision.affirms else LEADS[verdict]
        if verdict == "yes" and not decision.affirms and rents_spaces(decision.evidence[0].unit.text, denies=False):
            lead = RENTS_TO_ORGANISERS
        if verdict == "not_covered" and decision.closest is not None:
            lead = NOT_COVERED_UNSURE
        parts = [lead[language]]
        referral = None
        closest = None
        if verdict == "not_covered":
            referral = NOT_COVERED_REFERRAL[language].format(url=self.referral_url)
            if decision.unstated is not None:
                parts.append(UNSTATED[decision.unstated][language])
            if decision.closest is not None:
                parts.append(CLOSEST[language].format(text=self._text(decision.closest.unit, language)))
                closest = self.citation(decision.closest.unit)
        else:
            top = decision.evidence[0].unit
            statement = self._statement(top, language)
            parts.append(statement)
            actors = self._actors(top, language)
            # Partners or those who do it instead are named unless the statement names them in these words
            # ("... vaan sitä hoitavat oppilaitokset"); the referral field names them all the same.
            named = bool(actors) and actors.casefold() in statement.casefold()
            if actors and verdict == "partnership" and not named:
                parts.append(PARTNERS[language].format(actors=actors))
            if actors and verdict == "no":
                referral = INSTEAD[language].format(actors=actors)
                if not named:
                    parts.append(referral)
            other = next((e.unit for e in decision.evidence[1:] if _differs(e.unit, top)), None)
            if other is not None:
                parts.append(ALSO[language].format(text=self._text(other, language)))
            if decision.doubtful:
                parts.append(MAY_NOT_ANSWER[language])
                referral = referral or NOT_COVERED_REFERRAL[language].format(url=self.referral_url)
        citations = tuple(self.citation(e.unit) for e in decision.evidence)
        return Answer(
            question, language, verdict, " ".join(parts), referral, citations, doubtful=decision.doubtful, closest=closest
        )

    def _category(self, question: str, language: str, decision: Decision) -> Answer:
        """Every statement of the category, one per line, each sentence once (a sentence cut at `vaan` is two units)."""
        lead = CORE_TASKS_LEAD if decision.lists == "core_tasks" else CATEGORY_LEADS[decision.verdict]
        sentences: dict[tuple[str, int], list[Unit]] = {}
        for evidence in decision.evidence:
            sentences.setdefault((evidence.unit.source, evidence.unit.sentence_start), []).append(evidence.unit)
        lines = [lead[language]]
        for units in sentences.values():
            lines.extend(f"\u2013 {text}" for text in self._listed(units, language))
        if decision.lists == "general":
            lines.append(OTHER_CATEGORIES[language])
        citations = tuple(self.citation(e.unit) for e in decision.evidence)
        return Answer(question, language, decision.verdict, "\n".join(lines), None, citations)

    def _listed(self, units: list[Unit], language: str) -> list[str]:
        """A sentence of a list in the language: whole in Finnish; translated, its units (each translated as a
        sentence of its own) when it was cut into more than two."""
        first = units[0]
        if language == "fi":
            return [_sentence(self.corpus.document(first.source).text[first.sentence_start : first.sentence_end])]
        if len(units) <= 2:
            return [self._text(first, language)]
        return [self._text(u, language) for u in units]

    def unsupported_language(self, question: str) -> Answer:
        return Answer(question, "en", "not_covered", UNSUPPORTED_LANGUAGE, None, ())

    def citation(self, unit: Unit) -> Citation:
        document = self.corpus.document(unit.source)
        return Citation(
            section=unit.section,
            heading=unit.heading,
            quote=unit.text,
            source=unit.source,
            start=unit.start,
            end=unit.end,
            paragraph=document.text[unit.paragraph_start : unit.paragraph_end],
            paragraph_start=unit.paragraph_start,
        )

    def _statement(self, unit: Unit, language: str) -> str:
        whole = self._whole_sentence(unit, language)
        return SAYS[language].format(text=whole) if whole else SAYS_UNTRANSLATED[language].format(text=unit.text)

    def _text(self, unit: Unit, language: str) -> str:
        return self._whole_sentence(unit, language) or f"\u201c{unit.text}\u201d"

    def _whole_sentence(self, unit: Unit, language: str) -> str | None:
        """What the document says, in the language: the whole sentence when it was cut at `vaan` (its second
        half alone, "vaan vuokraa tiloja tapahtumajärjestäjille", does not say who does not do what), else
        the unit alone. None when a translation is missing."""
        halves = self.corpus.sentence_units(unit)
        shown = halves if len(halves) <= 2 else [unit]
        if language == "fi":
            document = self.corpus.document(unit.source)
            return _sentence(document.text[shown[0].start : shown[-1].end])
        translations = [self.alignment.translation(u.id, language) for u in shown]
        return " ".join(_sentence(t) for t in translations) if all(translations) else None

    def _actors(self, unit: Unit, language: str) -> str | None:
        # The aligned entry names them in the nominative in Finnish too ("muut kirjastot" where the sentence
        # says "muiden kirjastojen kanssa"); the words cut from the sentence are the fallback.
        return self.alignment.actors(unit.id, language) or unit.actors


def _differs(a: Unit, b: Unit) -> bool:
    return a.modality != b.modality and a.sentence_start != b.sentence_start


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."
