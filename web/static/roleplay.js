// Role-play chat: picking a suggested line fills the box (the trainee may still edit it),
// keeps the chat scrolled to the newest line, and clears the box after each turn.
(function () {
  "use strict";
  function form() { return document.getElementById("turn-form"); }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".rp-snippet");
    if (!button || !form()) return;
    var box = form().querySelector("textarea[name=text]");
    box.value = button.dataset.text;
    form().querySelector("input[name=snippet_id]").value = button.dataset.snippetId;
    box.focus();
  });
  document.addEventListener("input", function (event) {
    // A line typed over a picked snippet is the trainee's own words.
    if (event.target.name === "text" && form()) form().querySelector("input[name=snippet_id]").value = "";
  });
  function scrollChat() {
    var chat = document.getElementById("chat");
    if (chat) chat.scrollTop = chat.scrollHeight;
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "chat" && form()) {
      form().reset();
      scrollChat();
      var last = document.querySelector("#chat .rp-bubble:last-child");
      if (last) last.scrollIntoView({block: "end"});
    }
  });
  document.addEventListener("DOMContentLoaded", scrollChat);
})();
