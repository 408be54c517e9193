// QA review queue: keyboard shortcuts and bulk selection.
// j/k move between notes, c/d/e confirm/dismiss/escalate the focused note, x selects it.
(function () {
  "use strict";
  let current = -1;

  function notes() { return Array.from(document.querySelectorAll("#qa-queue .qa-note")); }

  function focusNote(index) {
    const list = notes();
    if (!list.length) return;
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach((n, i) => n.classList.toggle("qa-current", i === current));
    list[current].focus({ preventScroll: true });
    list[current].scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function press(key) {
    const list = notes();
    const note = list[current] || (list.length === 1 ? list[0] : null);
    if (!note) return;
    const button = note.querySelector('button[data-key="' + key + '"]');
    if (!button) return;
    const comment = note.querySelector('input[name="comment"]');
    if (key === "e" && comment && !comment.value.trim()) {
      comment.focus();  // escalating needs a reason; the reviewer types it, then Enter
      const hint = note.querySelector(".qa-escalate-hint");
      if (hint) hint.hidden = false;  // say why nothing happened yet
      comment.dataset.pending = "escalated";
      return;
    }
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.key === "Enter" && target.matches && target.matches('input[name="comment"][data-pending]')) {
      event.preventDefault();
      const button = target.form.querySelector('button[value="' + target.dataset.pending + '"]');
      delete target.dataset.pending;
      if (button) button.click();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "j") { focusNote(current + 1); event.preventDefault(); }
    else if (event.key === "k") { focusNote(current - 1); event.preventDefault(); }
    else if (event.key === "c" || event.key === "d" || event.key === "e") { press(event.key); event.preventDefault(); }
    else if (event.key === "x") {
      const note = notes()[current];
      if (note) note.querySelectorAll(".qa-select").forEach((box) => { box.checked = !box.checked; });
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.id === "select-all") {
      document.querySelectorAll(".qa-select").forEach((box) => { box.checked = event.target.checked; });
    }
  });

  // After HTMX swaps a decided note, keep the keyboard position on the next one.
  document.body.addEventListener("htmx:afterSwap", function () {
    if (current >= 0) focusNote(Math.min(current + 1, notes().length - 1));
  });
})();

// Note page: selecting words in the note fills the "missed violation" form with their
// offsets (counted in characters as the server counts them, not UTF-16 units) and the words.
(function () {
  "use strict";
  const form = document.getElementById("miss-form");
  const text = document.querySelector(".qa-note .qa-text");
  if (!form || !text) return;

  function charsBefore(node, offset) {
    const range = document.createRange();
    range.selectNodeContents(text);
    range.setEnd(node, offset);
    return Array.from(range.toString()).length;
  }

  function takeSelection() {
    const selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
    const words = range.toString();
    if (!words.trim()) return;
    form.elements.start.value = charsBefore(range.startContainer, range.startOffset);
    form.elements.end.value = charsBefore(range.endContainer, range.endOffset);
    form.elements.quote.value = words;
  }

  text.addEventListener("mouseup", takeSelection);
  text.addEventListener("keyup", takeSelection);
  text.addEventListener("touchend", function () { setTimeout(takeSelection, 0); });
  // Typed words are looked up in the note by the server; offsets of an old selection go.
  form.elements.quote.addEventListener("input", function () {
    form.elements.start.value = "";
    form.elements.end.value = "";
  });
})();
