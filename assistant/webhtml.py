"""HTML fragments for the web views: verdict badges, answers, citations, the widget's chat transcript.

Every piece of text that comes from a person or from an answer goes through `html.escape`; nothing here
trusts its input. Text in a known language carries a `lang` attribute.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.contract import LANGUAGES, Answer, Citation
from assistant.verdict_words import UNSURE, VERDICT_WORDS

VERDICT_GLYPHS = {"yes": "✓", "purchased": "€", "partnership": "⇄", "no": "✗", "developing": "↻", "not_covered": "?"}

# The widget's own words, in the host page's language.
WIDGET_TEXT: dict[str, dict[str, str]] = {
    "fi": {
        "title": "Kysy kirjastosta",
        "notice": "Tämä on automaattinen avustaja. Se vastaa vain Helsingin kaupunginkirjaston "
        "työnjakokuvauksen perusteella, eikä se tunne muita kirjaston asioita.",
        "label": "Kysymyksesi",
        "placeholder": "Esim. Myykö kirjasto kirjoja?",
        "send": "Kysy",
        "try": "Kokeile:",
        "welcome": "Hei! Kysy, tekeekö Helsingin kaupunginkirjasto jotakin. "
        "Voit kysyä suomeksi, ruotsiksi tai englanniksi.",
        "you": "Sinä",
        "bot": "Avustaja",
        "conversation": "Keskustelu",
        "sources": "Lähde kuvauksessa",
        "closest": "Lähin kohta kuvauksessa",
        "section": "Kohta",
        "referral": "Kysy lisää kirjastosta:",
        "referral_link": "Kirjaston yhteystiedot",
        "helpful": "Oliko vastauksesta apua?",
        "up": "Kyllä",
        "down": "Ei",
        "comment": "Kommentti (vapaaehtoinen)",
        "send_comment": "Lähetä kommentti",
        "thanks": "Kiitos palautteesta! Voit halutessasi lisätä kommentin.",
        "thanks_comment": "Kiitos, kommentti tallennettiin.",
        "error": "Jokin meni vikaan. Yritä hetken päästä uudelleen.",
        "restart": "Aloita alusta",
        "answer": "Vastaus",
        "nothing": "Kysy ensin jotakin.",
    },
    "sv": {
        "title": "Fråga biblioteket",
        "notice": "Det här är en automatisk assistent. Den svarar bara utifrån Helsingfors stadsbiblioteks "
        "beskrivning av arbetsfördelningen och känner inte till bibliotekets andra frågor.",
        "label": "Din fråga",
        "placeholder": "T.ex. Säljer biblioteket böcker?",
        "send": "Fråga",
        "try": "Prova:",
        "welcome": "Hej! Fråga om Helsingfors stadsbibliotek gör något. "
        "Du kan fråga på finska, svenska eller engelska.",
        "you": "Du",
        "bot": "Assistenten",
        "conversation": "Samtal",
        "sources": "Källa i beskrivningen",
        "closest": "Närmaste stället i beskrivningen",
        "section": "Avsnitt",
        "referral": "Fråga biblioteket:",
        "referral_link": "Bibliotekets kontaktuppgifter",
        "helpful": "Var svaret till hjälp?",
        "up": "Ja",
        "down": "Nej",
        "comment": "Kommentar (frivillig)",
        "send_comment": "Skicka kommentar",
        "thanks": "Tack för din respons! Du kan lägga till en kommentar om du vill.",
        "thanks_comment": "Tack, kommentaren har sparats.",
        "error": "Något gick fel. Försök igen om en stund.",
        "restart": "Börja om",
        "answer": "Svar",
        "nothing": "Ställ en fråga först.",
    },
    "en": {
        "title": "Ask the library",
        "notice": "This is an automatic assistant. It answers only from Helsinki City Library's "
        "division-of-labour description and knows nothing else about the library.",
        "label": "Your question",
        "placeholder": "E.g. Does the library sell books?",
        "send": "Ask",
        "try": "Try:",
        "welcome": "Hello! Ask whether Helsinki City Library does something. "
        "You can ask in Finnish, Swedish or English.",
        "you": "You",
        "bot": "Assistant",
        "conversation": "Conversation",
        "sources": "Source in the description",
        "closest": "Closest passage in the description",
        "section": "Section",
        "referral": "Ask the library:",
        "referral_link": "Library contact details",
        "helpful": "Was this answer helpful?",
        "up": "Yes",
        "down": "No",
        "comment": "Comment (optional)",
        "send_comment": "Send comment",
        "thanks": "Thank you for the feedback! You can add a comment if you like.",
        "thanks_comment": "Thank you, the comment was saved.",
        "error": "Something went wrong. Please try again in a moment.",
        "restart": "Start over",
        "answer": "Answer",
        "nothing": "Ask something first.",
    },
}

# Example questions: (language, question). Shown as buttons that ask them.
STAFF_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("fi", "Myykö kirjasto kirjoja?"),
    ("fi", "Järjestääkö kirjasto maksuttomia tapahtumia?"),
    ("sv", "Erbjuder biblioteket digital rådgivning för seniorer?"),
    ("sv", "Köper biblioteket in artister till sina evenemang?"),
    ("en", "Can I rent a library room for long-term use?"),
    ("en", "Is the library building a national e-library?"),
)
WIDGET_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("fi", "Myykö kirjasto kirjoja?"),
    ("sv", "Kan jag låna datorer i biblioteket?"),
    ("en", "Does the library organise free events?"),
)


def esc(text: Any) -> str:
    """Escape any value for HTML text and attribute context."""
    return html.escape("" if text is None else str(text), quote=True)


def lang_of(language: str | None) -> str:
    """A language code we have words for (answers in other languages fall back to English words)."""
    return language if language in LANGUAGES else "en"


def verdict_words(verdict: str, language: str) -> tuple[str, str]:
    """(short word, sentence) for a verdict in a language."""
    words = VERDICT_WORDS.get(verdict)
    if words is None:
        return (verdict, "")
    return words[lang_of(language)]


def verdict_label(verdict: str, language: str) -> str:
    """The verdict as one line of text, e.g. 'Kyllä – kirjasto tekee tämän'."""
    word, sentence = verdict_words(verdict, language)
    return f"{word} – {sentence}" if sentence else word


def render_badge(verdict: str, language: str, doubtful: bool = False) -> str:
    """The verdict badge: a glyph (hidden from screen readers), the word and the sentence; "uncertain" in
    words (and a dashed outline) when the coverage model was unsure."""
    lang = lang_of(language)
    word, sentence = verdict_words(verdict, lang)
    kind = verdict if verdict in VERDICT_WORDS else "unknown"
    glyph = VERDICT_GLYPHS.get(verdict, "•")
    rest = f'<span class="verdict-sentence"> – {esc(sentence)}</span>' if sentence else ""
    unsure = f'<span class="verdict-unsure">({esc(UNSURE[lang])})</span>' if doubtful else ""
    doubt_class = " verdict-doubtful" if doubtful else ""
    return (
        f'<p class="verdict verdict-{esc(kind)}{doubt_class}" lang="{lang}" data-verdict="{esc(verdict)}">'
        f'<span class="verdict-glyph" aria-hidden="true">{glyph}</span>'
        f'<strong class="verdict-word">{esc(word)}</strong>{rest}{unsure}</p>'
    )


def _text_block(text: str, lang: str, css: str, element: str = "p", extra: str = "") -> str:
    return f'<{element} class="{css}" lang="{esc(lang)}"{extra}>{esc(text)}</{element}>'


def render_quote_in_paragraph(citation: Citation) -> str:
    """The citation's paragraph with the quote inside `<mark>`; the bare quote when the paragraph is missing."""
    paragraph, quote = citation.paragraph or "", citation.quote or ""
    begin = citation.start - citation.paragraph_start
    end = citation.end - citation.paragraph_start
    if not (paragraph and 0 <= begin <= end <= len(paragraph) and paragraph[begin:end] == quote):
        found = paragraph.find(quote) if paragraph and quote else -1
        if found < 0:
            return f"<mark>{esc(quote)}</mark>"
        begin, end = found, found + len(quote)
    return f"{esc(paragraph[:begin])}<mark>{esc(paragraph[begin:end])}</mark>{esc(paragraph[end:])}"


def render_citation(citation: Citation, section_word: str = "Section") -> str:
    """One citation: section number and heading, then the paragraph with the quote highlighted (Finnish text)."""
    return (
        '<li class="citation">'
        f'<p class="citation-where"><span class="citation-section">{esc(section_word)} {esc(citation.section)}</span> '
        f'<span class="citation-heading" lang="fi">{esc(citation.heading)}</span></p>'
        f'<blockquote class="citation-text" lang="fi">{render_quote_in_paragraph(citation)}</blockquote>'
        "</li>"
    )


def render_citations(citations: Sequence[Citation], section_word: str = "Section") -> str:
    """All citations as an ordered list."""
    if not citations:
        return ""
    items = "".join(render_citation(c, section_word) for c in citations)
    return f'<ol class="citations">{items}</ol>'


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def linkify(text: str) -> str:
    """Escape text and turn the http(s) addresses in it into links (nothing else becomes markup)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(esc(text[last : match.start()]))
        url = match.group(0)
        out.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(url)}</a>')
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


def render_referral(answer: Answer, referral_url: str, intro: str, link_text: str, ui_lang: str) -> str:
    """Where to go next when the document does not cover the question (or the answer names a referral)."""
    parts = []
    if answer.referral_to_show:
        parts.append(f'<p class="referral-text" lang="{lang_of(answer.language)}">{linkify(answer.referral_to_show)}</p>')
    already_linked = bool(referral_url) and referral_url.rstrip("/") in (answer.referral or "")
    if answer.verdict == "not_covered" and referral_url and not already_linked:
        parts.append(
            f'<p class="referral-link" lang="{esc(ui_lang)}">{esc(intro)} '
            f'<a href="{esc(referral_url)}" target="_blank" rel="noopener noreferrer">{esc(link_text)}</a></p>'
        )
    return "".join(parts)


def render_examples(examples: Sequence[tuple[str, str]], heading: str, heading_lang: str) -> str:
    """Example questions as buttons; ui/app.js puts the text in the question box and asks it."""
    buttons = "".join(
        f'<li><button type="button" class="example" lang="{esc(lang)}" data-example="{esc(text)}">{esc(text)}</button></li>'
        for lang, text in examples
    )
    return (
        f'<div class="examples"><p class="examples-heading" lang="{esc(heading_lang)}">{esc(heading)}</p>'
        f'<ul class="examples-list">{buttons}</ul></div>'
    )


def render_error(message: str, lang: str | None = "en") -> str:
    """A message for the person (bad input or a failure), never a traceback; shown in a live region."""
    lang_attr = f' lang="{esc(lang)}"' if lang else ""
    return f'<p class="error-message"{lang_attr}>{esc(message)}</p>'


# --- Staff view -------------------------------------------------------------------------------------------


def render_staff_answer(question: str, answer: Answer, elapsed_ms: float, referral_url: str) -> str:
    """The staff view's answer panel: the question, the verdict badge, the answer, a copy button, the time."""
    lang = lang_of(answer.language)
    return (
        '<section class="answer-panel" aria-label="Answer">'
        f'<p class="asked"><span class="asked-label">Question:</span> <span lang="{lang}">{esc(question)}</span></p>'
        f"{render_badge(answer.verdict, lang, answer.doubtful)}"
        f'<p id="answer-text" class="answer-text" lang="{lang}">{esc(answer.answer)}</p>'
        f"{render_referral(answer, referral_url, 'Not in the description. Refer the customer to:', referral_url, 'en')}"
        '<div class="answer-tools">'
        '<button type="button" class="copy-answer" data-copy-target="answer-text">Copy answer</button>'
        '<span class="copy-status"></span>'
        f'<span class="elapsed">Answered in {elapsed_ms:.0f} ms</span>'
        "</div></section>"
    )


def render_staff_citations(answer: Answer) -> str:
    """The staff view's citations panel."""
    if not answer.citations:
        nothing = '<p class="no-citations">No citation: the description does not say.</p>'
        if answer.closest is None:
            return nothing
        return (
            f'{nothing}<h2 class="panel-heading">Closest statement (it may not answer the question)</h2>'
            f"{render_citations([answer.closest])}"
        )
    count = len(answer.citations)
    title = "Citation" if count == 1 else f"Citations ({count})"
    return f'<h2 class="panel-heading">{title}</h2>{render_citations(answer.citations)}'


def render_staff_history(exchanges: Sequence[tuple[str, Answer]]) -> str:
    """Earlier questions in this conversation (the context follow-ups are read in)."""
    if not exchanges:
        return ""
    items = "".join(
        f'<li><span lang="{lang_of(a.language)}">{esc(q)}</span> '
        f'<span class="history-verdict">({esc(verdict_label(a.verdict, "en"))})</span></li>'
        for q, a in exchanges
    )
    return (
        '<details class="conversation-history"><summary>'
        f"Follow-up mode: the next question is read after {len(exchanges)} earlier "
        f"question{'s' if len(exchanges) != 1 else ''}</summary><ol>{items}</ol></details>"
    )


# --- Widget -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    """One question in the widget and what came back: an answer or a message for the person."""

    question: str
    answer: Answer | None = None
    message: str | None = None


def render_widget_answer(answer: Answer, ui_lang: str, referral_url: str) -> str:
    """One assistant message in the widget: badge, answer, onward link, and the source behind a disclosure."""
    text = WIDGET_TEXT[ui_lang]
    lang = lang_of(answer.language)
    sources = ""
    shown, summary = answer.citations, text["sources"]
    if not shown and answer.closest is not None:  # the statement a doubtful "not covered" came closest to
        shown, summary = (answer.closest,), text["closest"]
    if shown:
        sources = (
            f'<details class="sources"><summary lang="{ui_lang}">{esc(summary)}</summary>'
            f"{render_citations(shown, text['section'])}</details>"
        )
    return (
        f"{render_badge(answer.verdict, lang, answer.doubtful)}"
        f'<p class="answer-text" lang="{lang}">{esc(answer.answer)}</p>'
        f"{render_referral(answer, referral_url, text['referral'], text['referral_link'], ui_lang)}"
        f"{sources}"
    )


def render_transcript(exchanges: Sequence[Exchange], ui_lang: str, referral_url: str) -> str:
    """The widget's chat: a welcome line, then each question and its answer, oldest first."""
    text = WIDGET_TEXT[ui_lang]
    items = [
        f'<li class="msg msg-bot"><span class="sr-only">{esc(text["bot"])}: </span>'
        f'<p lang="{ui_lang}">{esc(text["welcome"])}</p></li>'
    ]
    for exchange in exchanges:
        qlang = lang_of(exchange.answer.language) if exchange.answer else ui_lang
        items.append(
            f'<li class="msg msg-user"><span class="sr-only" lang="{ui_lang}">{esc(text["you"])}: </span>'
            f'<p lang="{qlang}">{esc(exchange.question)}</p></li>'
        )
        if exchange.answer is not None:
            body = render_widget_answer(exchange.answer, ui_lang, referral_url)
        else:
            body = f'<p class="error-message" lang="{ui_lang}">{esc(exchange.message or text["error"])}</p>'
        items.append(
            f'<li class="msg msg-bot"><span class="sr-only" lang="{ui_lang}">{esc(text["bot"])}: </span>{body}</li>'
        )
    return f'<ol class="chat" aria-label="{esc(text["conversation"])}" lang="{ui_lang}">{"".join(items)}</ol>'


def render_announcement(exchange: Exchange, ui_lang: str) -> str:
    """What screen readers hear when an answer arrives: the verdict in words and the answer."""
    text = WIDGET_TEXT[ui_lang]
    if exchange.answer is None:
        return f'<p lang="{ui_lang}">{esc(exchange.message or text["error"])}</p>'
    answer = exchange.answer
    lang = lang_of(answer.language)
    return (
        f'<p><span lang="{ui_lang}">{esc(text["answer"])}: </span>'
        f'<span lang="{lang}">{esc(verdict_label(answer.verdict, lang))}. {esc(answer.answer)}</span></p>'
    )
