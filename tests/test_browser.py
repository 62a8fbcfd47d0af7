"""The web app in a real browser: Debian's Chromium driven by Playwright, against a server on a loopback port
with a deterministic fake assistant. Checks what people see and do, that nothing leaves our origin, and
accessibility with axe-core (served by our own server from ui/vendor, installed with npm).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.config import DEFAULT_UI_DIR, Settings
from assistant.feedback import FeedbackStore
from assistant.webapp import create_app
from fakes_web import PASSAGES, FakeAssistant, ServerThread

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_PATH = DEFAULT_UI_DIR / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/ui/vendor/node_modules/axe-core/axe.min.js"
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOTS = REPO / "docs" / "screenshots"
REFERRAL_URL = "https://www.helmet.fi"
HOSTILE = (
    '<script>window.__pwned = 1</script><img src="https://example.com/x.png" onerror="window.__pwned = 2">'
    " ![x](https://example.com/y.png) ${7*7} {{7*7}}"
)

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> FeedbackStore:
    return FeedbackStore(tmp_path_factory.mktemp("feedback") / "feedback.sqlite3")


@pytest.fixture(scope="module")
def server(store, tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), referral_url=REFERRAL_URL)
    with ServerThread(create_app(FakeAssistant(), settings, feedback=store)) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page plus everything it requested, every dialog it opened and every script error."""

    def __init__(self, browser, server, width: int = 1100, height: int = 900, color_scheme: str = "light"):
        self.server = server
        self.context = browser.new_context(viewport={"width": width, "height": height}, base_url=server.url,
                                           color_scheme=color_scheme)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path: str, frame: str | None = None):
        self.page.goto(path, wait_until="domcontentloaded")
        scope = self.page.frame_locator(frame) if frame else self.page
        scope.locator("#question textarea").wait_for()
        if frame is None:
            self.page.wait_for_function("window.__libraryAssistantLoaded === true")
        return scope

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.server.url + "/")]

    def close(self) -> None:
        assert self.errors == [], self.errors
        assert self.foreign_requests() == [], self.foreign_requests()
        self.context.close()


@pytest.fixture
def visit(browser, server):
    visits: list[Visit] = []

    def open_visit(**size) -> Visit:
        visits.append(Visit(browser, server, **size))
        return visits[-1]

    yield open_visit
    for v in visits:
        v.close()


def ask(scope, question: str) -> None:
    box = scope.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def screenshot(page, name: str, docs: bool = False, **options) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), **options)
    if docs and os.environ.get("UPDATE_SCREENSHOTS") == "1":  # a test run leaves the checkout clean otherwise
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / f"{name}.png")


def run_axe(page) -> list[dict]:
    assert AXE_PATH.is_file(), "axe-core is missing: npm install --prefix ui/vendor axe-core@4"
    page.add_script_tag(url=AXE_URL)
    page.wait_for_function("typeof window.axe !== 'undefined'")
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html.slice(0, 200))}))"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


# --- Staff view -------------------------------------------------------------------------------------------


def test_staff_view_shows_verdict_answer_and_highlighted_citation(visit):
    v = visit()
    page = v.open("/")
    assert page.evaluate("document.activeElement === document.querySelector('#question textarea')")
    ask(page, "Järjestääkö kirjasto maksuttomia tapahtumia?")
    badge = page.locator("#result .verdict")
    badge.wait_for()
    assert badge.inner_text().replace("\n", " ").startswith("✓ Kyllä")
    assert "kirjasto tekee tämän" in badge.inner_text()
    assert badge.get_attribute("lang") == "fi"
    assert page.locator("#answer-text").inner_text() == "Kyllä, kirjasto tekee tämän itse."
    _, heading, paragraph, quote = PASSAGES["events"]
    assert page.locator("#citations .citation-section").inner_text() == "Section 2.1"
    assert page.locator("#citations .citation-heading").inner_text() == heading
    assert page.locator("#citations mark").inner_text() == quote
    assert page.locator("#citations blockquote").inner_text() == paragraph
    assert "Answered in" in page.locator("#result .elapsed").inner_text()
    assert page.locator("#result [aria-live='polite']").count() == 1
    assert page.locator("#question textarea").input_value() == ""
    screenshot(page, "staff", docs=True, full_page=True)


def test_staff_view_follow_up_uses_history_and_can_start_over(visit):
    v = visit()
    page = v.open("/")
    ask(page, "Myykö kirjasto kirjoja?")
    page.locator("#result .verdict-no").wait_for()
    assert "after 1 earlier question" in page.locator("#conversation summary").inner_text()
    ask(page, "Entä lapsille?")
    page.locator("#result .asked:has-text('Entä lapsille?')").wait_for()
    assert page.locator("#result .verdict-no").count() == 1  # read together with the earlier question
    assert "after 2 earlier questions" in page.locator("#conversation summary").inner_text()
    page.locator("#conversation summary").click()
    assert page.locator("#conversation li").all_inner_texts()[0].startswith("Myykö kirjasto kirjoja?")
    page.locator("#new-conversation").click()
    page.locator("#result .placeholder-text").wait_for()
    page.wait_for_function("document.activeElement === document.querySelector('#question textarea')")


def test_staff_view_is_usable_with_the_keyboard_alone(visit):
    v = visit()
    page = v.open("/")
    page.keyboard.press("Tab")  # question box -> Ask button
    assert page.evaluate("document.activeElement.id") == "ask-button"
    # Tab on to the first example question and ask it with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.example')"):
            break
    focused = page.evaluate("document.activeElement.dataset.example")
    assert focused == "Myykö kirjasto kirjoja?"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "focus must be visible"
    page.keyboard.press("Enter")
    page.locator("#result .verdict-no").wait_for()
    # Copy the answer with the keyboard.
    page.locator("button.copy-answer").focus()
    page.keyboard.press("Enter")
    page.locator(".copy-status:has-text('Copied')").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == "Ei, kirjasto ei tee tätä."
    # Rate it with the keyboard too.
    page.locator("#feedback-down").focus()
    page.keyboard.press("Enter")
    page.locator("#feedback-status:has-text('Saved')").wait_for()


def test_staff_feedback_is_stored(visit, store):
    before = store.count()
    v = visit()
    page = v.open("/")
    ask(page, "Köper biblioteket in artister till sina evenemang?")
    page.locator("#result .verdict-purchased").wait_for()
    page.locator("#feedback-up").click()
    page.locator("#feedback-status:has-text('Saved: helpful')").wait_for()
    page.locator("#feedback-comment textarea").fill("Oikea kohta, kiitos")
    page.locator("#send-comment").click()
    page.locator("#feedback-status:has-text('Comment saved')").wait_for()
    assert store.count() == before + 1
    row = store.all()[-1]
    assert row["view"] == "staff" and row["rating"] == "up" and row["comment"] == "Oikea kohta, kiitos"
    assert row["question"] == "Köper biblioteket in artister till sina evenemang?"
    assert row["answer"]["verdict"] == "purchased" and row["language"] == "sv"


def test_hostile_input_stays_inert(visit):
    v = visit()
    page = v.open("/")
    ask(page, HOSTILE)
    page.locator("#result .verdict").wait_for()
    assert HOSTILE in page.locator("#result .asked").inner_text()
    widget = v.page
    widget.goto("/widget/", wait_until="domcontentloaded")
    ask(widget, HOSTILE)
    widget.locator("#transcript .msg-user").wait_for()
    assert HOSTILE in widget.locator("#transcript .msg-user").inner_text()
    assert widget.evaluate("window.__pwned === undefined")
    assert v.dialogs == []
    assert not any("example.com" in url for url in v.requests)


# The markup cases of tests/test_hostile_inputs.py, typed into both views: shown as text, never run or loaded.
HOSTILE_MARKUP = [
    "<script>window.__pwned = 1</script>Myykö kirjasto kirjoja?",
    '<img src="https://example.com/a.png" onerror="window.__pwned = 2">',
    '<svg onload="window.__pwned = 3"><circle r="9"/></svg> Does the library sell books?',
    '<iframe srcdoc="<script>parent.__pwned = 4</script>" src="https://example.com/"></iframe>',
    "![tracker](https://example.com/pixel.png) [click me](javascript:window.__pwned=5)",
    '<a href="javascript:window.__pwned = 6">Myykö kirjasto kirjoja?</a>',
    '<style>body{background:url(https://example.com/bg.png)}</style><link rel="stylesheet" href="https://example.com/x.css">',
    "‮Myykö kirjasto kirjoja? هل تبيع المكتبة الكتب؟ 📚",
]


@pytest.mark.parametrize("path,asked", [("/", "#result .asked"), ("/widget/", "#transcript .msg-user")])
def test_hostile_markup_is_inert_in_both_views(visit, path, asked):
    v = visit()
    page = v.open(path)
    for n, text in enumerate(HOSTILE_MARKUP, 1):
        ask(page, text)
        page.locator(asked).nth(0 if path == "/" else n - 1).wait_for()
        page.wait_for_function(
            "([sel, text]) => [...document.querySelectorAll(sel)].some(e => e.innerText.includes(text.trim()))",
            arg=[asked, " ".join(text.split())[:40]])
        for link in page.locator("#transcript a, #result a, #citations a").all():
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
    page.wait_for_timeout(300)  # give any injected onerror/onload a chance to fire
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#transcript img, #result img, #transcript svg[onload], iframe[srcdoc]").count() == 0
    assert v.dialogs == []
    assert not any("example.com" in url for url in v.requests)  # no outside image, style or frame loaded
    # Visit.close() (the fixture) also asserts no script errors and no request outside our origin.


def test_bad_input_shows_the_assistants_message(visit):
    v = visit()
    page = v.open("/widget/")
    ask(page, "   ")
    page.locator("#input-error:has-text('Please write a question.')").wait_for()
    assert page.locator("#transcript .msg-user").count() == 0


def test_staff_view_has_no_serious_accessibility_violations(visit):
    v = visit()
    page = v.open("/")
    ask(page, "Erbjuder biblioteket digital rådgivning för seniorer?")
    page.locator("#result .verdict-partnership").wait_for()
    page.locator("#feedback-up").click()
    page.locator("#feedback-comment textarea").wait_for()
    assert run_axe(page) == []


def test_staff_view_on_a_narrow_screen(visit):
    v = visit(width=400, height=800)
    page = v.open("/")
    ask(page, "Myykö kirjasto kirjoja?")
    page.locator("#citations mark").wait_for()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 400, "no sideways scrolling"
    screenshot(page, "staff-narrow", full_page=True)


@pytest.mark.parametrize("path,answer", [("/", "#result .verdict"), ("/widget/", "#transcript .verdict")])
def test_dark_mode_has_no_serious_accessibility_violations(visit, path, answer):
    v = visit(width=900, height=900, color_scheme="dark")
    page = v.open(path)
    ask(page, "Does the library lend bicycles?")
    page.locator(answer).wait_for()
    page.locator("#feedback-up").click()
    page.locator("#feedback-comment textarea").wait_for()
    screenshot(page, "dark" + path.replace("/", "-").rstrip("-"), full_page=True)
    assert run_axe(page) == []


# --- Widget -----------------------------------------------------------------------------------------------


def test_widget_on_a_narrow_screen(visit):
    v = visit(width=360, height=720)
    page = v.open("/widget/")
    assert page.evaluate("document.documentElement.lang") == "fi"
    assert "automaattinen avustaja" in page.locator(".widget-notice").inner_text()
    langs = page.locator("button.example").evaluate_all("buttons => buttons.map(b => b.lang)")
    assert langs == ["fi", "sv", "en"]
    ask(page, "Myykö kirjasto kirjoja?")
    page.locator("#transcript .verdict-no").wait_for()
    ask(page, "Does the library lend bicycles?")
    page.locator("#transcript .verdict-not_covered").wait_for()
    link = page.locator("#transcript .referral-link a")
    assert link.get_attribute("href") == REFERRAL_URL
    assert page.locator("#transcript .msg-user p").evaluate_all("ps => ps.map(p => p.lang)") == ["fi", "en"]
    assert "Not covered" in page.locator("#announcer").inner_text()
    assert page.locator("#announcer [aria-live='polite']").count() == 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360, "no sideways scrolling"
    screenshot(page, "widget", docs=True)


@pytest.mark.parametrize("lang,title", [("sv", "Fråga biblioteket"), ("en", "Ask the library")])
def test_widget_speaks_the_host_pages_language(visit, lang, title):
    v = visit(width=400, height=720)
    page = v.open(f"/widget/{lang}/")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator(".widget-header h1").inner_text() == title
    ask(page, "Myykö kirjasto kirjoja?")
    page.locator("#transcript .verdict-no[lang='fi']").wait_for()  # the answer in the asker's language


def test_widget_in_the_embed_example_with_feedback(visit, store):
    before = store.count()
    v = visit(width=1100, height=820)
    frame = v.open("/embed-example", frame="iframe.widget-frame")
    assert v.page.locator("iframe.widget-frame").get_attribute("title") == "Library assistant chat"
    frame.locator("button.example[lang='en']").click()
    frame.locator("#transcript .verdict-yes").wait_for()
    assert frame.locator("#transcript .msg-user").inner_text().endswith("Does the library organise free events?")
    frame.locator("#transcript details.sources summary").click()
    frame.locator("#transcript details.sources mark").wait_for()
    frame.locator("#feedback-down").click()
    frame.locator("#feedback-status:has-text('Kiitos palautteesta')").wait_for()
    frame.locator("#feedback-comment textarea").fill("Halusin tietää lasten tapahtumista")
    frame.locator("#feedback-comment textarea").press("Enter")
    frame.locator("#feedback-status:has-text('kommentti tallennettiin')").wait_for()
    assert store.count() == before + 1
    row = store.all()[-1]
    assert row["view"] == "widget" and row["rating"] == "down"
    assert row["comment"] == "Halusin tietää lasten tapahtumista"
    assert row["question"] == "Does the library organise free events?" and row["answer"]["verdict"] == "yes"
    frame_requests = [url for url in v.requests if "/widget/" in url]
    assert frame_requests, "the widget's own requests are seen too"
    screenshot(v.page, "embed", docs=True)


def test_widget_has_no_serious_accessibility_violations(visit):
    v = visit(width=360, height=720)
    page = v.open("/widget/")
    ask(page, "Kan jag låna datorer i biblioteket?")
    page.locator("#transcript .verdict-yes").wait_for()
    page.locator("#transcript details.sources summary").click()
    page.locator("#feedback-up").click()
    page.locator("#feedback-comment textarea").wait_for()
    assert run_axe(page) == []


def test_embed_example_has_no_serious_accessibility_violations(visit):
    v = visit()
    v.open("/embed-example", frame="iframe.widget-frame")
    assert run_axe(v.page) == []


def test_api_docs_load_from_our_own_server(visit):
    v = visit()
    v.page.goto("/docs", wait_until="domcontentloaded")
    v.page.get_by_text("/api/ask", exact=True).first.wait_for()
