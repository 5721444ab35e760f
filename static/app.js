// Bandeja's only script beyond htmx: small behaviours htmx does not cover.
// No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  const live = function () {
    return document.getElementById("live");
  };
  function setLive(state) {
    const el = live();
    if (!el) return;
    el.dataset.state = state;
    el.textContent =
      el.dataset["label" + state[0].toUpperCase() + state.slice(1)] || state;
  }
  document.addEventListener("htmx:sse:after:connection", function () {
    setLive("online");
  });
  document.addEventListener("htmx:sse:error", function () {
    setLive("offline");
  });
  document.addEventListener("htmx:sse:close", function () {
    setLive("offline");
  });
  document.addEventListener("htmx:sse:before:connection", function (e) {
    if (e.detail && e.detail.connection && e.detail.connection.attempt > 0) {
      setLive("reconnecting");
    }
  });

  function scrollThread() {
    const list = document.querySelector(".messages");
    if (list) list.scrollTop = list.scrollHeight;
  }

  // A message arrived in the thread that is open: keep it in view and, when
  // the page is visible, tell the server this user has read it.
  let readTimer = null;
  function markOpenThreadRead() {
    const thread = document.querySelector(".thread[data-conversation]");
    if (!thread || document.hidden) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      htmx.ajax(
        "POST",
        "/conversations/" + thread.dataset.conversation + "/read",
        { swap: "none", target: thread },
      );
    }, 300);
  }
  document.addEventListener("htmx:sse:after:message", function () {
    scrollThread();
    markOpenThreadRead();
  });
  document.addEventListener("htmx:after:swap", function (e) {
    const split = document.querySelector(".split");
    const pane = document.getElementById("thread-pane");
    if (split && pane) {
      split.classList.toggle("has-thread", !!pane.querySelector(".thread"));
    }
    scrollThread();
    const thread = document.querySelector(".thread[data-conversation]");
    if (thread) {
      document.querySelectorAll(".conv-list a[aria-current]").forEach(
        function (a) {
          a.removeAttribute("aria-current");
        },
      );
      const row = document.querySelector(
        "#conv-" + thread.dataset.conversation + " a",
      );
      if (row) row.setAttribute("aria-current", "true");
    }
    const box = e.target && e.target.querySelector &&
      e.target.querySelector("textarea[name=body]");
    if (box && e.target.classList.contains("composer")) box.focus();
  });
  document.addEventListener("visibilitychange", markOpenThreadRead);

  // Enter sends, Shift+Enter is a new line (like every chat app).
  document.addEventListener("keydown", function (e) {
    const t = e.target;
    if (
      t && t.name === "body" && t.form && e.key === "Enter" && !e.shiftKey &&
      !e.isComposing
    ) {
      e.preventDefault();
      t.form.requestSubmit();
    }
  });
  document.addEventListener("DOMContentLoaded", scrollThread);
})();
