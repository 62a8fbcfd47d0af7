"""The Gradio views: the staff view (one question at a time, verdict first) and the residents' chat widget.

Both call the assistant's `ask(question, history)` directly in the server process and render the answer as
escaped HTML (assistant/webhtml.py). Behaviour that Gradio has no component for (example buttons, copy to
clipboard, aria-live on the answer region, the page language) lives in ui/app.js.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.contract import Answer, InputError, Turn
from assistant.feedback import feedback_failure_message
from assistant.webhtml import (
    STAFF_EXAMPLES,
    WIDGET_EXAMPLES,
    WIDGET_TEXT,
    Exchange,
    esc,
    render_announcement,
    render_error,
    render_examples,
    render_staff_answer,
    render_staff_citations,
    render_staff_history,
    render_transcript,
)

if TYPE_CHECKING:  # gradio is imported lazily, after assistant.config.enforce_offline()
    import gradio as gr

    from assistant.feedback import FeedbackStore

log = logging.getLogger(__name__)

MAX_HISTORY_EXCHANGES = 8  # earlier question/answer pairs passed on as context for a follow-up
MAX_TRANSCRIPT_EXCHANGES = 30  # what one widget conversation keeps on screen

Ask = Callable[[str, tuple[Turn, ...]], Answer]


def history_turns(exchanges: tuple[tuple[str, Answer], ...]) -> tuple[Turn, ...]:
    """Earlier exchanges as chat turns, oldest first."""
    turns: list[Turn] = []
    for question, answer in exchanges[-MAX_HISTORY_EXCHANGES:]:
        turns.append(Turn("user", question))
        turns.append(Turn("assistant", answer.answer))
    return tuple(turns)


def timed_ask(ask: Ask, question: str, history: tuple[Turn, ...]) -> tuple[Answer, float]:
    """Ask and measure how long it took, in milliseconds."""
    started = time.perf_counter()
    answer = ask(question, history)
    return answer, (time.perf_counter() - started) * 1000


# --- Staff view -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffSession:
    """One staff member's conversation: earlier exchanges (the context for follow-ups) and the last rating."""

    exchanges: tuple[tuple[str, Answer], ...] = ()
    feedback_id: int | None = None


STAFF_INTRO = (
    '<header class="page-header">'
    "<h1>Does the library do it?</h1>"
    "<p>Ask in Finnish, Swedish or English. The answer comes from Helsinki City Library's "
    '<span lang="fi">Kirjastopalvelukokonaisuuden työnjakojen kuvaus</span> '
    "(division-of-labour description), with the quote that backs it. Press Enter to ask; a new question is read "
    "as a follow-up until you start a new conversation.</p>"
    "</header>"
)
STAFF_PLACEHOLDER = '<p class="placeholder-text">The verdict, the answer and its source will appear here.</p>'
STAFF_FOOTER = (
    '<footer class="page-footer"><p>Automatic answers from one document: check the quote before you rely on it. '
    '<a href="/widget/">Resident widget</a> · <a href="/embed-example">Embedding example</a> · '
    '<a href="/docs">JSON API</a></p></footer>'
)


def build_staff_view(ask: Ask, store: "FeedbackStore", referral_url: str, ui_dir: Path) -> "gr.Blocks":
    """The staff view: question box, examples, verdict and answer, citations, feedback."""
    import gradio as gr

    hidden, shown = gr.update(visible=False), gr.update(visible=True)

    def on_ask(question: str, session: StaffSession):
        question = question or ""
        try:
            answer, elapsed = timed_ask(ask, question, history_turns(session.exchanges))
        except InputError as error:
            return (question, render_error(str(error), lang=None), "", gr.skip(), gr.skip(), hidden, hidden, "",
                    session)
        except Exception:
            log.exception("answering failed in the staff view")
            return (question, render_error("Something went wrong. Please try again."), "", gr.skip(), gr.skip(),
                    hidden, hidden, "", session)
        exchanges = (*session.exchanges, (question, answer))
        return (
            "",
            render_staff_answer(question, answer, elapsed, referral_url),
            render_staff_citations(answer),
            render_staff_history(exchanges),
            shown,
            shown,
            hidden,
            "",
            StaffSession(exchanges=exchanges),
        )

    def on_rate(rating: str, session: StaffSession):
        if not session.exchanges:
            return "<p>Ask a question first.</p>", hidden, session
        question, answer = session.exchanges[-1]
        try:
            if session.feedback_id is None:
                feedback_id = store.add(question, history_turns(session.exchanges[:-1]), answer.to_dict(),
                                        rating, None, "staff")
            else:
                feedback_id = session.feedback_id
                store.update(feedback_id, rating=rating)
        except Exception as exc:
            log.exception("storing feedback failed")
            return render_error(feedback_failure_message(exc)), gr.skip(), session
        word = "helpful" if rating == "up" else "not helpful"
        status = f'<p class="feedback-thanks">Saved: {word}. Add a comment below if you like.</p>'
        return status, shown, replace(session, feedback_id=feedback_id)

    def on_comment(comment: str, session: StaffSession):
        if session.feedback_id is None:
            return "<p>Rate the answer first.</p>", comment, gr.skip()
        try:
            store.update(session.feedback_id, comment=comment or "")
        except ValueError as error:
            return render_error(str(error)), comment, gr.skip()
        except Exception as exc:
            log.exception("storing a feedback comment failed")
            return render_error(feedback_failure_message(exc)), comment, gr.skip()
        return '<p class="feedback-thanks">Comment saved. Thank you.</p>', "", hidden

    def on_new_conversation():
        return StaffSession(), STAFF_PLACEHOLDER, "", "", hidden, hidden, hidden, "", ""

    with gr.Blocks(title="Library assistant – staff view") as demo:
        session = gr.State(StaffSession())
        gr.HTML(STAFF_INTRO, js_on_load=None)
        with gr.Row(equal_height=True, elem_classes=["ask-row"]):
            question = gr.Textbox(
                label="Question",
                placeholder="E.g. Myykö kirjasto kirjoja? / Säljer biblioteket böcker? / Does the library sell books?",
                autofocus=True,
                lines=1,
                max_lines=6,
                elem_id="question",
                scale=6,
                min_width=280,
                html_attributes=gr.InputHTMLAttributes(enterkeyhint="send", autocomplete="off"),
            )
            ask_button = gr.Button("Ask", variant="primary", elem_id="ask-button", scale=1, min_width=90)
        with gr.Row(visible=False, elem_classes=["conversation-row"]) as conversation_row:
            history = gr.HTML("", elem_id="conversation", js_on_load=None, scale=1, min_width=240)
            new_button = gr.Button("New conversation", elem_id="new-conversation", size="sm", scale=0,
                                   min_width=0)
        result = gr.HTML(STAFF_PLACEHOLDER, elem_id="result", elem_classes=["live-region"], js_on_load=None)
        citations = gr.HTML("", elem_id="citations", js_on_load=None)
        with gr.Row(visible=False, elem_id="feedback-row", elem_classes=["feedback-row"]) as feedback_row:
            gr.HTML('<p class="feedback-question">Was this answer right and useful?</p>', js_on_load=None,
                    scale=0, min_width=0)
            up = gr.Button("Helpful", elem_id="feedback-up", size="sm", scale=0, min_width=0,
                           icon=_icon(ui_dir, "thumb-up.svg"))
            down = gr.Button("Not helpful", elem_id="feedback-down", size="sm", scale=0, min_width=0,
                             icon=_icon(ui_dir, "thumb-down.svg"))
        with gr.Row(visible=False, elem_id="comment-row", equal_height=True, elem_classes=["comment-row"]) \
                as comment_row:
            comment = gr.Textbox(label="Comment (optional)", elem_id="feedback-comment", lines=1, max_lines=4,
                                 scale=5)
            send_comment = gr.Button("Send comment", elem_id="send-comment", size="sm", scale=1, min_width=120)
        status = gr.HTML("", elem_id="feedback-status", elem_classes=["live-region"], js_on_load=None)
        gr.HTML(render_examples(STAFF_EXAMPLES, "Examples:", "en"), elem_id="examples", js_on_load=None)
        gr.HTML(STAFF_FOOTER, js_on_load=None)

        ask_outputs = [question, result, citations, history, conversation_row, feedback_row, comment_row, status,
                       session]
        question.submit(on_ask, [question, session], ask_outputs, api_name="ask", show_progress="hidden")
        ask_button.click(on_ask, [question, session], ask_outputs, api_visibility="undocumented",
                         show_progress="hidden")
        up.click(lambda s: on_rate("up", s), [session], [status, comment_row, session],
                 api_visibility="private", show_progress="hidden")
        down.click(lambda s: on_rate("down", s), [session], [status, comment_row, session],
                   api_visibility="private", show_progress="hidden")
        comment_events = [comment.submit, send_comment.click]
        for event in comment_events:
            event(on_comment, [comment, session], [status, comment, comment_row], api_visibility="private",
                  show_progress="hidden")
        new_button.click(on_new_conversation, None,
                         [session, result, citations, history, conversation_row, feedback_row, comment_row, status,
                          question],
                         api_visibility="private", show_progress="hidden")
    return demo


# --- Widget -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WidgetSession:
    """One resident's chat: what was asked and answered, and the rating of the last answer."""

    exchanges: tuple[Exchange, ...] = ()
    feedback_id: int | None = None

    def answered(self) -> tuple[tuple[str, Answer], ...]:
        return tuple((e.question, e.answer) for e in self.exchanges if e.answer is not None)


def build_widget(ask: Ask, store: "FeedbackStore", referral_url: str, ui_dir: Path, ui_lang: str) -> "gr.Blocks":
    """The residents' chat widget with its own words in `ui_lang` (answers come in the asker's language)."""
    import gradio as gr

    text = WIDGET_TEXT[ui_lang]
    hidden, shown = gr.update(visible=False), gr.update(visible=True)

    def on_ask(question: str, session: WidgetSession):
        question = question or ""
        try:
            answer, _ = timed_ask(ask, question, history_turns(session.answered()))
        except InputError as error:
            # Bad input stays in the box to edit; the message shows (and is announced) next to it.
            return (question, gr.skip(), "", render_error(str(error), lang=None), gr.skip(), gr.skip(), gr.skip(),
                    gr.skip(), gr.skip(), session)
        except Exception:
            log.exception("answering failed in the widget")
            exchange = Exchange(question=question, message=text["error"])
        else:
            exchange = Exchange(question=question, answer=answer)
        exchanges = (*session.exchanges, exchange)[-MAX_TRANSCRIPT_EXCHANGES:]
        return (
            "",
            render_transcript(exchanges, ui_lang, referral_url),
            render_announcement(exchange, ui_lang),
            "",
            gr.update(visible=exchange.answer is not None),
            hidden,
            "",
            hidden,
            shown,
            WidgetSession(exchanges=exchanges),
        )

    def on_rate(rating: str, session: WidgetSession):
        answered = session.answered()
        if not answered or session.exchanges[-1].answer is None:
            return f'<p lang="{ui_lang}">{esc(text["nothing"])}</p>', hidden, session
        question, answer = answered[-1]
        try:
            if session.feedback_id is None:
                feedback_id = store.add(question, history_turns(answered[:-1]), answer.to_dict(), rating, None,
                                        "widget")
            else:
                feedback_id = session.feedback_id
                store.update(feedback_id, rating=rating)
        except Exception:
            log.exception("storing feedback failed")
            return f'<p lang="{ui_lang}">{esc(text["error"])}</p>', gr.skip(), session
        status = f'<p class="feedback-thanks" lang="{ui_lang}">{esc(text["thanks"])}</p>'
        return status, shown, replace(session, feedback_id=feedback_id)

    def on_comment(comment: str, session: WidgetSession):
        if session.feedback_id is None:
            return f'<p lang="{ui_lang}">{esc(text["nothing"])}</p>', comment, gr.skip()
        try:
            store.update(session.feedback_id, comment=comment or "")
        except ValueError as error:
            return render_error(str(error), lang="en"), comment, gr.skip()
        except Exception:
            log.exception("storing a feedback comment failed")
            return f'<p lang="{ui_lang}">{esc(text["error"])}</p>', comment, gr.skip()
        return f'<p class="feedback-thanks" lang="{ui_lang}">{esc(text["thanks_comment"])}</p>', "", hidden

    def on_restart():
        return (WidgetSession(), render_transcript((), ui_lang, referral_url), "", "", hidden, hidden, "", shown,
                hidden, "")

    header = (
        f'<header class="widget-header" lang="{ui_lang}"><h1>{esc(text["title"])}</h1>'
        f'<p class="widget-notice">{esc(text["notice"])}</p></header>'
    )
    with gr.Blocks(title=text["title"]) as demo:
        session = gr.State(WidgetSession())
        gr.HTML(header, js_on_load=None)
        transcript = gr.HTML(render_transcript((), ui_lang, referral_url), elem_id="transcript", js_on_load=None)
        announcer = gr.HTML("", elem_id="announcer", elem_classes=["live-region", "visually-hidden"],
                            js_on_load=None)
        with gr.Row(visible=False, elem_id="feedback-row", elem_classes=["feedback-row"]) as feedback_row:
            gr.HTML(f'<p class="feedback-question" lang="{ui_lang}">{esc(text["helpful"])}</p>', js_on_load=None,
                    scale=0, min_width=0)
            up = gr.Button(text["up"], elem_id="feedback-up", size="sm", scale=0, min_width=0,
                           icon=_icon(ui_dir, "thumb-up.svg"))
            down = gr.Button(text["down"], elem_id="feedback-down", size="sm", scale=0, min_width=0,
                             icon=_icon(ui_dir, "thumb-down.svg"))
        with gr.Row(visible=False, elem_id="comment-row", equal_height=True, elem_classes=["comment-row"]) \
                as comment_row:
            comment = gr.Textbox(label=text["comment"], elem_id="feedback-comment", lines=1, max_lines=4, scale=4,
                                 min_width=120, html_attributes=gr.InputHTMLAttributes(lang=ui_lang))
            send_comment = gr.Button(text["send_comment"], elem_id="send-comment", size="sm", scale=1,
                                     min_width=0)
        status = gr.HTML("", elem_id="feedback-status", elem_classes=["live-region"], js_on_load=None)
        with gr.Column(elem_id="examples-column") as examples:
            gr.HTML(render_examples(WIDGET_EXAMPLES, text["try"], ui_lang), elem_id="examples", js_on_load=None)
        with gr.Row(equal_height=True, elem_classes=["ask-row"]):
            question = gr.Textbox(
                label=text["label"],
                placeholder=text["placeholder"],
                lines=1,
                max_lines=4,
                elem_id="question",
                scale=4,
                min_width=120,
                html_attributes=gr.InputHTMLAttributes(enterkeyhint="send", autocomplete="off", lang=ui_lang),
            )
            ask_button = gr.Button(text["send"], variant="primary", elem_id="ask-button", scale=0, min_width=0)
        input_error = gr.HTML("", elem_id="input-error", elem_classes=["live-region"], js_on_load=None)
        with gr.Row(visible=False, elem_classes=["new-row"]) as restart_row:
            restart = gr.Button(text["restart"], elem_id="new-conversation", size="sm", scale=0, min_width=0)

        ask_outputs = [question, transcript, announcer, input_error, feedback_row, comment_row, status, examples,
                       restart_row, session]
        question.submit(on_ask, [question, session], ask_outputs, api_name="ask", show_progress="hidden")
        ask_button.click(on_ask, [question, session], ask_outputs, api_visibility="undocumented",
                         show_progress="hidden")
        up.click(lambda s: on_rate("up", s), [session], [status, comment_row, session], api_visibility="private",
                 show_progress="hidden")
        down.click(lambda s: on_rate("down", s), [session], [status, comment_row, session],
                   api_visibility="private", show_progress="hidden")
        for event in (comment.submit, send_comment.click):
            event(on_comment, [comment, session], [status, comment, comment_row], api_visibility="private",
                  show_progress="hidden")
        restart.click(on_restart, None,
                      [session, transcript, announcer, input_error, feedback_row, comment_row, status, examples,
                       restart_row, question],
                      api_visibility="private", show_progress="hidden")
    return demo


def _icon(ui_dir: Path, name: str) -> str | None:
    """Path of an icon in the ui folder, or None when it is missing."""
    path = Path(ui_dir) / "icons" / name
    return str(path) if path.is_file() else None
