// Behaviour Gradio has no component for, shared by the staff view and the widget.
// Loaded by Gradio's `js` option after `window.LIBRARY_ASSISTANT = {lang, view}` is set.
// No network access, no third-party code: it only touches this page's DOM.
(() => {
  const config = window.LIBRARY_ASSISTANT || { lang: "en", view: "staff" };
  if (window.__libraryAssistantLoaded) return;
  window.__libraryAssistantLoaded = true;

  // The page's own language (Gradio's template always says "en").
  document.documentElement.lang = config.lang;
  document.documentElement.dataset.view = config.view;

  const COPIED = { fi: "Kopioitu", sv: "Kopierat", en: "Copied" };
  const COPY_FAILED = {
    fi: "Kopiointi ei onnistunut: valitse teksti ja kopioi se itse.",
    sv: "Det gick inte att kopiera: markera texten och kopiera den själv.",
    en: "Could not copy: select the text and copy it yourself.",
  };

  // The widget's conversation scrolls so the newest question and its answer are in view.
  let lastTranscriptCount = 0;
  function scrollTranscript() {
    const box = document.getElementById("transcript");
    if (!box) return;
    const messages = box.querySelectorAll(".msg");
    if (messages.length === lastTranscriptCount) return;
    lastTranscriptCount = messages.length;
    const users = box.querySelectorAll(".msg-user");
    const last = users[users.length - 1];
    if (!last) {
      box.scrollTop = 0;
      return;
    }
    box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  }

  // Regions that get new content to announce: mark them once they are rendered.
  function enhance() {
    scrollTranscript();
    // Button icons repeat the button's words: hide them from screen readers.
    document.querySelectorAll("img.button-icon:not([alt=''])").forEach((img) => img.setAttribute("alt", ""));
    document.querySelectorAll(".live-region").forEach((wrapper) => {
      const target = wrapper.querySelector(".prose") || wrapper;
      if (!target.hasAttribute("aria-live")) {
        target.setAttribute("aria-live", "polite");
        target.setAttribute("role", "status");
      }
    });
  }
  let scheduled = false;
  new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      enhance();
    });
  }).observe(document.body, { childList: true, subtree: true });
  enhance();

  function questionBox() {
    return document.querySelector("#question textarea, #question input");
  }

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    if (!ok) throw new Error("copy failed");
  }

  document.addEventListener("click", async (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;

    // Example questions: put the text in the question box and ask it, as a person would.
    const example = target.closest("button[data-example]");
    if (example) {
      const box = questionBox();
      const ask = document.querySelector("#ask-button");
      if (!box || !ask) return;
      box.value = example.dataset.example;
      box.dispatchEvent(new Event("input", { bubbles: true }));
      setTimeout(() => ask.click(), 0);
      return;
    }

    // Copy the answer text.
    const copy = target.closest("button[data-copy-target]");
    if (copy) {
      const source = document.getElementById(copy.dataset.copyTarget);
      const status = copy.parentElement && copy.parentElement.querySelector(".copy-status");
      if (!source) return;
      try {
        await copyText(source.textContent.trim());
        if (status) status.textContent = COPIED[config.lang] || COPIED.en;
      } catch (error) {
        if (status) status.textContent = COPY_FAILED[config.lang] || COPY_FAILED.en;
      }
      setTimeout(() => {
        if (status) status.textContent = "";
      }, 4000);
      return;
    }

    // Starting over puts the cursor back in the question box.
    if (target.closest("#new-conversation")) {
      setTimeout(() => {
        const box = questionBox();
        if (box) box.focus();
      }, 150);
    }
  });
})();
