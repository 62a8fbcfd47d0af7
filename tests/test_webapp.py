"""The web app without a browser: the JSON API contract, bad requests, health, docs, feedback, concurrency."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.contract import LANGUAGES, VERDICTS, Answer, Citation, Turn
from assistant.feedback import FeedbackStore, eval_case
from assistant.webapp import (
    CONCURRENCY_LIMIT,
    MAX_BODY_BYTES,
    QUEUE_MAX_SIZE,
    AnswerOut,
    AnswersQuestions,
    create_app,
)
from assistant.webhtml import (
    WIDGET_TEXT,
    Exchange,
    render_badge,
    render_quote_in_paragraph,
    render_staff_answer,
    render_staff_citations,
    render_transcript,
    render_widget_answer,
    verdict_label,
)
from fakes_web import FakeAssistant, ServerThread, citation

CONTRACT_KEYS = {"question", "language", "verdict", "answer", "referral", "citations"}
CITATION_KEYS = {"section", "heading", "quote", "source", "start", "end"}
HOSTILE = '<script>alert(1)</script><img src="https://example.com/x.png" onerror="alert(2)"> ${7*7} {{7*7}}'


@pytest.fixture(scope="module")
def web_fake() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture(scope="module")
def web_store(tmp_path_factory) -> FeedbackStore:
    return FeedbackStore(tmp_path_factory.mktemp("feedback") / "feedback.sqlite3")


@pytest.fixture(scope="module")
def web_app(web_fake, web_store, tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"))
    return create_app(web_fake, settings, feedback=web_store)


@pytest.fixture(scope="module")
def client(web_app):
    with TestClient(web_app, raise_server_exceptions=False) as test_client:
        yield test_client


def shown_answer(client, question="Myykö kirjasto kirjoja?") -> dict:
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200
    return response.json()


# --- The JSON API -----------------------------------------------------------------------------------------


def test_fake_satisfies_the_protocol(web_fake):
    assert isinstance(web_fake, AnswersQuestions)


def test_ask_returns_the_contract(client, web_fake):
    response = client.post("/api/ask", json={"question": "Myykö kirjasto kirjoja?"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == CONTRACT_KEYS
    assert body == web_fake.ask("Myykö kirjasto kirjoja?").to_dict()
    assert body["verdict"] == "no" and body["language"] == "fi"
    assert set(body["citations"][0]) == CITATION_KEYS


def test_answer_schema_matches_the_contract_constants():
    schema = AnswerOut.model_json_schema()
    assert tuple(schema["properties"]["verdict"]["enum"]) == VERDICTS
    assert tuple(schema["properties"]["language"]["enum"]) == LANGUAGES


def test_api_models_have_exactly_the_contracts_fields():
    """The API's Pydantic models mirror `assistant.contract` (for OpenAPI and strict validation): a field
    added to or renamed in the contract must change them too, or the CLI and API would disagree."""
    from assistant.webapp import CitationOut

    quote = citation("events")
    answer = Answer("Q?", "fi", "yes", "Kyllä.", None, (quote,))
    assert list(AnswerOut.model_fields) == list(answer.to_dict())
    assert list(CitationOut.model_fields) == list(quote.to_dict())
    assert AnswerOut.model_validate(answer.to_dict()).model_dump() == answer.to_dict()


def test_ask_passes_history_oldest_first(client, web_fake):
    history = [
        {"role": "user", "content": "Järjestääkö kirjasto maksuttomia tapahtumia?"},
        {"role": "assistant", "content": "Kyllä."},
    ]
    response = client.post("/api/ask", json={"question": "Entä lapsille?", "history": history})
    assert response.status_code == 200
    assert response.json()["verdict"] == "yes"  # the fake reads the follow-up with the earlier question
    assert web_fake.calls[-1].history == (
        Turn("user", "Järjestääkö kirjasto maksuttomia tapahtumia?"),
        Turn("assistant", "Kyllä."),
    )


def test_history_may_omit_assistant_turns(client, web_fake):
    response = client.post(
        "/api/ask", json={"question": "What about for children?", "history": [{"role": "user", "content": "Events?"}]}
    )
    assert response.status_code == 200
    assert web_fake.calls[-1].history == (Turn("user", "Events?"),)


BAD_REQUESTS = [
    ("malformed JSON", b'{"question": ', 400),
    ("not JSON at all", b"question=hello", 400),
    ("empty body", b"", 422),
    ("JSON array", b"[]", 422),
    ("JSON string", '"Myykö kirjasto kirjoja?"'.encode(), 422),
    ("null body", b"null", 422),
    ("empty object", b"{}", 422),
    ("question is a number", b'{"question": 42}', 422),
    ("question is null", b'{"question": null}', 422),
    ("question is a list", b'{"question": ["a"]}', 422),
    ("extra field", b'{"question": "Does it?", "debug": true}', 422),
    ("history is a string", b'{"question": "x?", "history": "earlier"}', 422),
    ("history turn without role", b'{"question": "x?", "history": [{"content": "a"}]}', 422),
    ("history turn with unknown role", b'{"question": "x?", "history": [{"role": "system", "content": "a"}]}', 422),
    ("history turn with extra field", b'{"question": "x?", "history": [{"role": "user", "content": "a", "x": 1}]}',
     422),
    ("history content is a number", b'{"question": "x?", "history": [{"role": "user", "content": 1}]}', 422),
    ("too many history turns",
     json.dumps({"question": "x?", "history": [{"role": "user", "content": "a"}] * 21}).encode(), 422),
    ("empty question", b'{"question": ""}', 422),
    ("whitespace question", b'{"question": "   \\n\\t "}', 422),
    ("question longer than the limit", json.dumps({"question": "kirjasto " * 100}).encode(), 422),
    ("invalid UTF-8", b'{"question": "\xff\xfe"}', 400),
]


@pytest.mark.parametrize("body,status", [(b, s) for _, b, s in BAD_REQUESTS], ids=[n for n, _, _ in BAD_REQUESTS])
def test_bad_requests_get_a_4xx_json_error(client, body, status):
    response = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    error = response.json()["error"]
    assert isinstance(error, str) and error
    assert "Traceback" not in error


def test_errors_do_not_echo_the_input(client):
    response = client.post("/api/ask", json={"question": ["<script>alert(1)</script>"]})
    assert response.status_code == 422
    assert "<script>" not in response.text


def test_wrong_content_type_is_415(client):
    response = client.post("/api/ask", content='{"question": "Myykö kirjasto kirjoja?"}'.encode(),
                           headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert "error" in response.json()


def test_missing_content_type_is_refused(client):
    response = client.post("/api/ask", content='{"question": "Myykö kirjasto kirjoja?"}'.encode())
    assert response.status_code == 415
    assert "error" in response.json()


def test_too_large_body_is_413(client):
    body = json.dumps({"question": "x" * (MAX_BODY_BYTES + 10)}).encode()
    response = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "error" in response.json()


def test_too_large_chunked_body_is_413(client):
    def chunks():
        yield b'{"question": "'
        for _ in range(MAX_BODY_BYTES // 1000 + 2):
            yield b"x" * 1000
        yield b'"}'

    response = client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "error" in response.json()


def test_wrong_method_and_unknown_endpoint_are_json(client):
    response = client.get("/api/ask")
    assert response.status_code == 405 and "error" in response.json()
    response = client.post("/api/nothing-here", json={})
    assert response.status_code == 404 and "error" in response.json()


def test_assistant_failure_is_503_without_details(client):
    response = client.post("/api/ask", json={"question": "Please explode now"})
    assert response.status_code == 503
    assert set(response.json()) == {"error"}
    assert "simulated" not in response.text and "Traceback" not in response.text


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_and_docs_are_served_locally(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/feedback", "/healthz"} <= set(schema["paths"])
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert "cdn" not in client.get("/redoc").text.lower()


# --- Pages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/widget/", "/widget/sv/", "/widget/en/", "/embed-example"])
def test_pages_are_served(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("lang,src", [("fi", "/widget/"), ("sv", "/widget/sv/"), ("en", "/widget/en/"),
                                      ("<script>", "/widget/")])
def test_embed_example_embeds_the_widget(client, lang, src):
    page = client.get("/embed-example", params={"lang": lang}).text
    assert f'<iframe class="widget-frame" src="{src}" title="Library assistant chat"' in page
    assert "<script>" not in page
    assert "https://" not in page.replace("https://assistant.example.org", "")


def test_static_assets(client):
    assert "LIBRARY_ASSISTANT" in client.get("/ui/app.js").text
    assert client.get("/ui/app.css").status_code == 200
    assert client.get("/ui/../pyproject.toml").status_code == 404


# --- Feedback ---------------------------------------------------------------------------------------------


def test_feedback_api_stores_and_exports(client, web_store, tmp_path):
    before = web_store.count()
    answer = shown_answer(client)
    response = client.post("/api/feedback", json={
        "question": "Myykö kirjasto kirjoja?", "history": [], "answer": answer, "rating": "up", "comment": "Hyvä",
    })
    assert response.status_code == 201
    feedback_id = response.json()["id"]
    assert web_store.count() == before + 1
    stored = web_store.get(feedback_id)
    assert stored["answer"] == answer and stored["view"] == "api" and stored["comment"] == "Hyvä"

    out = tmp_path / "feedback.jsonl"
    assert web_store.export_jsonl(out) == web_store.count()
    cases = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    case = next(c for c in cases if c["id"] == f"feedback-{feedback_id}")
    assert case["verdicts"] == ["no"] and case["sections"] == ["2.4"]
    assert case["category"] == "feedback" and case["split"] == "dev" and case["evidence"] == []
    assert case["language"] == "fi" and case["rating"] == "up" and case["comment"] == "Hyvä"


@pytest.mark.parametrize("change", [
    {"rating": "meh"},
    {"rating": None},
    {"comment": 5},
    {"comment": "x" * 5000},
    {"question": ""},
    {"answer": {"verdict": "yes"}},
    {"extra": True},
])
def test_bad_feedback_is_4xx(client, change):
    body = {"question": "Myykö kirjasto kirjoja?", "answer": shown_answer(client), "rating": "down"}
    body.update(change)
    response = client.post("/api/feedback", json=body)
    assert response.status_code == 422
    assert "error" in response.json()


def test_feedback_store_round_trip(tmp_path):
    store = FeedbackStore(tmp_path / "fb" / "feedback.sqlite3")
    fake = FakeAssistant()
    liked = fake.ask("Järjestääkö kirjasto maksuttomia tapahtumia?")
    disliked = fake.ask("Myykö kirjasto kirjoja?")
    first = store.add(liked.question, [], liked.to_dict(), "up", None, "staff")
    second = store.add(disliked.question, [Turn("user", "Hei"), {"role": "assistant", "content": "Hei!"}],
                       disliked.to_dict(), "down", "  Väärin: kirjasto vuokraa tiloja  ", "widget")
    assert store.count() == 2
    assert store.update(second, comment="Väärä kohta") and store.get(second)["comment"] == "Väärä kohta"
    assert store.update(first, rating="down") and store.get(first)["rating"] == "down"
    assert not store.update(999, rating="up")
    store.update(first, rating="up")

    lines = []

    class Sink:
        def write(self, text):
            lines.extend(text.splitlines())

    assert store.export_jsonl(Sink()) == 2
    up, down = (json.loads(line) for line in lines)
    assert up["verdicts"] == ["yes"] and up["sections"] == ["2.1"] and up["history"] == []
    assert down["verdicts"] == [] and down["sections"] == []
    assert down["history"] == [{"role": "user", "content": "Hei"}, {"role": "assistant", "content": "Hei!"}]
    assert {"id", "question", "history", "language", "verdicts", "sections", "evidence", "category", "split",
            "rating", "comment", "created_at"} <= set(up)
    assert store.delete_all() == 2 and store.count() == 0
    store.close()


def test_feedback_store_keeps_no_client_details_and_uses_wal(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(path)
    store.add("q?", [], FakeAssistant().ask("Myykö kirjasto kirjoja?").to_dict(), "up", None, "api")
    with sqlite3.connect(path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(feedback)")}
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert columns == {"id", "created_at", "view", "question", "history", "language", "answer", "rating", "comment"}
    assert mode == "wal"
    store.close()


@pytest.mark.parametrize("kwargs", [dict(rating="maybe"), dict(view="elsewhere"), dict(question=" "),
                                    dict(comment="x" * 2001)])
def test_feedback_store_rejects_bad_values(tmp_path, kwargs):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    args = dict(question="q?", history=[], answer_dict={"verdict": "yes"}, rating="up", comment=None, view="api")
    args.update(kwargs)
    with pytest.raises(ValueError):
        store.add(**args)
    assert store.count() == 0


def test_feedback_store_is_thread_safe(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    answer = FakeAssistant().ask("Myykö kirjasto kirjoja?").to_dict()

    def add(i: int) -> int:
        return store.add(f"question {i}?", [], answer, "up" if i % 2 else "down", f"c{i}", "widget")

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(add, range(200)))
    assert len(set(ids)) == 200 and store.count() == 200
    reopened = FeedbackStore(tmp_path / "feedback.sqlite3")
    assert reopened.count() == 200


def test_eval_case_ignores_odd_answers():
    row = {"id": 3, "question": "q", "history": [], "language": "en", "answer": {"citations": "nope"},
           "rating": "up", "comment": None, "created_at": "2026-01-01T00:00:00+00:00", "view": "api"}
    case = eval_case(row)
    assert case["verdicts"] == [] and case["sections"] == []


# --- Concurrency ------------------------------------------------------------------------------------------


def test_gradio_views_do_not_queue_askers_behind_each_other(web_app):
    assert set(web_app.state.blocks) == {"staff", "widget-fi", "widget-sv", "widget-en"}
    for blocks in web_app.state.blocks.values():
        assert blocks._queue.default_concurrency_limit >= CONCURRENCY_LIMIT >= 16
        assert blocks._queue.max_size == QUEUE_MAX_SIZE
        for fn in blocks.fns.values():
            assert fn.concurrency_limit in ("default", None) or fn.concurrency_limit >= 16


@pytest.fixture(scope="module")
def barrier_server(tmp_path_factory):
    """A live server whose assistant only answers once 16 questions are being answered at the same time."""
    fake = FakeAssistant(barrier=threading.Barrier(16))
    app = create_app(fake, Settings(data_dir=tmp_path_factory.mktemp("data")),
                     feedback=FeedbackStore(tmp_path_factory.mktemp("fb") / "f.sqlite3"))
    with ServerThread(app) as server:
        yield server, fake


def test_sixteen_api_askers_at_once(barrier_server):
    server, fake = barrier_server
    fake.barrier.reset()

    def ask(i: int) -> httpx.Response:
        return httpx.post(f"{server.url}/api/ask", json={"question": f"Myykö kirjasto kirjoja {i}?"}, timeout=30)

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(ask, range(16)))
    assert [r.status_code for r in responses] == [200] * 16
    assert {r.json()["verdict"] for r in responses} == {"no"}


@pytest.mark.parametrize("path", ["/widget/", "/"])
def test_sixteen_gradio_askers_at_once(barrier_server, path):
    from gradio_client import Client

    server, fake = barrier_server
    fake.barrier.reset()
    gradio = Client(server.url + path, verbose=False, download_files=False)
    jobs = [gradio.submit(f"Myykö kirjasto kirjoja {i}?", api_name="/ask") for i in range(16)]
    results = [job.result(timeout=30) for job in jobs]
    assert all("verdict-no" in json.dumps(result) for result in results)


def test_gradio_follow_up_passes_history(tmp_path):
    from gradio_client import Client

    fake = FakeAssistant()
    app = create_app(fake, Settings(data_dir=tmp_path), feedback=FeedbackStore(tmp_path / "f.sqlite3"))
    with ServerThread(app) as server:
        staff = Client(server.url + "/", verbose=False, download_files=False)
        staff.predict("Järjestääkö kirjasto maksuttomia tapahtumia?", api_name="/ask")
        result = staff.predict("Entä lapsille?", api_name="/ask")
    assert "verdict-yes" in json.dumps(result)
    assert fake.calls[-1].history == (
        Turn("user", "Järjestääkö kirjasto maksuttomia tapahtumia?"),
        Turn("assistant", "Kyllä, kirjasto tekee tämän itse."),
    )


def test_one_question_visitors_do_not_grow_the_session_store_past_its_bound(tmp_path):
    """Each API caller of a Gradio event is a new session; Gradio keeps ~40 KB for each (the load test saw
    the server grow 0.8 MB/s), so the store is bounded by settings.ui_sessions."""
    fake = FakeAssistant()
    app = create_app(fake, Settings(data_dir=tmp_path, ui_sessions=3), feedback=FeedbackStore(tmp_path / "f.sqlite3"))
    widget = app.state.blocks["widget-fi"]
    with ServerThread(app) as server, httpx.Client(timeout=30) as client:
        for i in range(8):
            joined = client.post(server.url + "/widget/gradio_api/call/ask", json={"data": [f"Myykö kirjasto {i}?"]})
            with client.stream("GET", f"{server.url}/widget/gradio_api/call/ask/{joined.json()['event_id']}") as events:
                assert any("verdict-no" in line for line in events.iter_lines())
        sessions = widget.state_holder.session_data
        assert 1 <= len(sessions) <= 3


# --- HTML -------------------------------------------------------------------------------------------------


def test_quote_is_highlighted_inside_its_paragraph():
    cited = citation("selling")
    html = render_quote_in_paragraph(cited)
    assert html.startswith("Kirjaston tehtäviin ei kuulu")
    assert "<mark>Kaupunginkirjastolla ei myöskään ole kirjamyyntiä tai omaa kustannustoimintaa.</mark>" in html


def test_quote_without_paragraph_falls_back_to_the_quote():
    bare = Citation(section="2.4", heading="Kirjasto ei tee", quote="ei <b>", source="x", start=5, end=11)
    assert render_quote_in_paragraph(bare) == "<mark>ei &lt;b&gt;</mark>"


def test_hostile_text_is_escaped_everywhere():
    fake = FakeAssistant()
    answer = fake.ask(HOSTILE)
    evil = Citation(section="<i>2</i>", heading=HOSTILE, quote="<b>q</b>", source="s", start=0, end=8,
                    paragraph="<b>q</b> & more", paragraph_start=0)
    answer = type(answer)(question=HOSTILE, language="en", verdict="no", answer=HOSTILE, referral=HOSTILE,
                          citations=(evil,))
    pieces = [
        render_staff_answer(HOSTILE, answer, 12.3, "https://www.helmet.fi"),
        render_transcript([Exchange(HOSTILE, answer), Exchange(HOSTILE, message=HOSTILE)], "fi",
                          "https://www.helmet.fi"),
        render_badge("<script>", "xx"),
    ]
    for html in pieces:
        assert "<script" not in html and "<img" not in html and "<i>" not in html and "<b>" not in html
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize("verdict", VERDICTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_verdict_has_words_in_every_language(verdict, language):
    label = verdict_label(verdict, language)
    assert " – " in label
    badge = render_badge(verdict, language)
    assert f'lang="{language}"' in badge and f"verdict-{verdict}" in badge


@pytest.mark.parametrize("language, unsure", [("fi", "(epävarma)"), ("sv", "(osäkert)"), ("en", "(uncertain)")])
def test_a_doubtful_answer_is_marked_uncertain_in_words_in_both_views(corpus, language, unsure):
    from assistant.aligned import load_alignment
    from assistant.compose import AnswerWriter
    from assistant.config import DEFAULT_CORPUS_DIR
    from assistant.retrieval import Evidence
    from assistant.verdict import Decision

    writer = AnswerWriter(corpus, load_alignment(DEFAULT_CORPUS_DIR, corpus), "https://www.helmet.fi")
    unit = corpus.unit("kirjastopalvelukokonaisuuden-tyonjaot#2.1-4")
    answers = [writer.write("q", language, Decision("yes", (Evidence(unit, 0.9, 0.9, 0.5),), 0.9, "t", doubtful=d))
               for d in (False, True)]
    assert [a.doubtful for a in answers] == [False, True]
    assert "doubtful" not in answers[1].to_dict()  # not part of the JSON contract
    for render in (lambda a: render_staff_answer("q", a, 10.0, "https://www.helmet.fi"),
                   lambda a: render_widget_answer(a, language, "https://www.helmet.fi")):
        sure, doubtful = (render(a) for a in answers)
        assert unsure in doubtful and "verdict-doubtful" in doubtful
        assert unsure not in sure and "verdict-doubtful" not in sure



@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_doubtful_not_covered_shows_the_closest_passage_in_both_views(corpus, language):
    from assistant.aligned import load_alignment
    from assistant.compose import AnswerWriter
    from assistant.config import DEFAULT_CORPUS_DIR
    from assistant.retrieval import Evidence
    from assistant.verdict import Decision

    writer = AnswerWriter(corpus, load_alignment(DEFAULT_CORPUS_DIR, corpus), "https://www.helmet.fi")
    unit = corpus.unit("kirjastopalvelukokonaisuuden-tyonjaot#2.1-4")
    plain, unsure = (
        writer.write("q", language, Decision("not_covered", (), 0.9, "t", doubtful=d, closest=Evidence(unit, 0.9, 0.9, 0.5) if d else None))
        for d in (False, True)
    )
    staff = [render_staff_citations(a) for a in (plain, unsure)]
    assert "Closest statement" in staff[1] and "<mark>" in staff[1] and "Closest statement" not in staff[0]
    assert "No citation" in staff[1]  # still nothing cited
    closest_summary = WIDGET_TEXT[language]["closest"]
    widget = [render_widget_answer(a, language, "https://www.helmet.fi") for a in (plain, unsure)]
    assert closest_summary in widget[1] and "<mark>" in widget[1] and 'class="sources"' not in widget[0]


def test_verdict_words_examples():
    assert verdict_label("yes", "en") == "Yes – the library does this"
    assert verdict_label("yes", "fi") == "Kyllä – kirjasto tekee tämän"
    assert verdict_label("yes", "sv") == "Ja – biblioteket gör detta"


def test_transcript_marks_languages_and_links_onward_when_not_covered():
    fake = FakeAssistant()
    covered = fake.ask("Kan jag låna datorer i biblioteket?")
    uncovered = fake.ask("Does the library lend bicycles?")
    html = render_transcript([Exchange(covered.question, covered), Exchange(uncovered.question, uncovered)], "fi",
                             "https://www.helmet.fi")
    assert '<p lang="sv">Kan jag låna datorer i biblioteket?</p>' in html
    assert '<p lang="en">Does the library lend bicycles?</p>' in html
    assert html.count('href="https://www.helmet.fi"') == 1  # only the not-covered answer links onward
    assert "<mark>" in html


# --- Import hygiene ---------------------------------------------------------------------------------------


def test_importing_the_web_modules_does_no_work():
    code = (
        "import sys, assistant.webapp, assistant.webui, assistant.webhtml, assistant.feedback; "
        "print('gradio' in sys.modules, 'uvicorn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("text,expected", [
    ("See https://www.helmet.fi.", 'See <a href="https://www.helmet.fi" target="_blank" rel="noopener noreferrer">'
                                  'https://www.helmet.fi</a>.'),
    ('javascript:alert(1) <b>x</b>', "javascript:alert(1) &lt;b&gt;x&lt;/b&gt;"),
    ('https://x.fi/"onmouseover="alert(1)', '<a href="https://x.fi/" target="_blank" rel="noopener noreferrer">'
                                            'https://x.fi/</a>&quot;onmouseover=&quot;alert(1)'),
])
def test_linkify_only_links_web_addresses(text, expected):
    from assistant.webhtml import linkify

    assert linkify(text) == expected


def test_run_server_serves_on_loopback_without_access_log(monkeypatch, tmp_path):
    import uvicorn

    from assistant.webapp import run_server

    served = []
    # The server's run loop is the one thing replaced: everything run_server builds before it is real.
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets=None: served.append(server))
    run_server(FakeAssistant(), Settings(data_dir=tmp_path), port=7999)
    (server,) = served
    config = server.config
    assert config.host == "127.0.0.1" and config.port == 7999 and config.access_log is False
    assert config.app.state.assistant is not None
    server.handle_exit(2, None)
    server.handle_exit(2, None)  # a repeated signal confirms the first instead of forcing a quit
    assert server.should_exit and not server.force_exit


@pytest.mark.parametrize("in_answer", [True, False])
def test_a_referral_is_shown_once(in_answer):
    referral = "Instead, this is handled by: educational institutions."
    text = "No, the library does not do this." + (f" {referral}" if in_answer else "")
    answer = Answer(question="q", language="en", verdict="no", answer=text, referral=referral, citations=())
    html = render_staff_answer("q", answer, 12.3, "https://www.helmet.fi")
    assert html.count("handled by: educational institutions") == 1
