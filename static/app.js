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
  // Only a new message in the open thread reads it: other live updates
  // (this user marking it unread in another tab, say) must not.
  let lastSeq = "";
  function openThreadLastSeq() {
    const thread = document.querySelector(".thread[data-conversation]");
    const last = thread &&
      thread.querySelector(".messages > [data-seq]:last-child");
    return thread && last
      ? thread.dataset.conversation + ":" + last.dataset.seq
      : "";
  }
  document.addEventListener("htmx:sse:after:message", function () {
    scrollThread();
    const seq = openThreadLastSeq();
    if (seq && seq !== lastSeq) markOpenThreadRead();
    lastSeq = seq;
    reloadListIfSignalled();
  });

  // The user's pins changed in another tab: reload the list as it is
  // filtered here, unless it was read after that change already.
  function reloadListIfSignalled() {
    const signal = document.querySelector("#list-signal [data-event]");
    if (!signal) return;
    const body = document.getElementById("list-body");
    const eventId = Number(signal.dataset.event);
    signal.remove();
    if (!body || Number(body.dataset.asOf || 0) >= eventId) return;
    htmx.ajax("GET", body.dataset.url, {
      target: "#list-body",
      swap: "outerHTML",
    });
  }
  document.addEventListener("htmx:after:swap", function (e) {
    const split = document.querySelector(".split");
    const pane = document.getElementById("thread-pane");
    if (split && pane) {
      split.classList.toggle(
        "has-thread",
        !!pane.querySelector(".thread, .new-conv"),
      );
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
  document.addEventListener("DOMContentLoaded", function () {
    lastSeq = openThreadLastSeq();
  });
  document.addEventListener("htmx:after:swap", function () {
    lastSeq = openThreadLastSeq();
  });

  // Pinned conversations: drag and drop reorders them on a desktop (the
  // menu's move up / move down does it anywhere). The new order is posted
  // with the filter form, and the list comes back as the server has it.
  let dragged = null;
  document.addEventListener("dragstart", function (e) {
    const li = e.target.closest && e.target.closest(".pins > li[draggable]");
    if (!li) return;
    dragged = li;
    li.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", li.dataset.conversation);
  });
  document.addEventListener("dragover", function (e) {
    if (!dragged) return;
    const over = e.target.closest && e.target.closest(".pins > li");
    if (!over || over.parentNode !== dragged.parentNode) return;
    e.preventDefault();
    const box = over.getBoundingClientRect();
    const below = e.clientY > box.top + box.height / 2;
    if (over !== dragged) {
      over.parentNode.insertBefore(dragged, below ? over.nextSibling : over);
    }
  });
  document.addEventListener("drop", function (e) {
    if (!dragged) return;
    e.preventDefault();
  });
  document.addEventListener("dragend", function () {
    if (!dragged) return;
    const list = dragged.parentNode;
    dragged.classList.remove("dragging");
    dragged = null;
    const order = Array.from(list.querySelectorAll("li[data-conversation]"))
      .map(function (li) {
        return li.dataset.conversation;
      }).join(",");
    htmx.ajax("POST", list.dataset.reorderUrl, {
      source: "#list-filters",
      target: "#list-body",
      swap: "outerHTML",
      push: "false",
      values: { order: order },
    });
  });

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

// The SMS segment counter under the composer (same code as the server's).
(function () {
  "use strict";
  function update(box) {
    const out = box.dataset.counter &&
      document.getElementById(box.dataset.counter);
    const seg = globalThis.BandejaSegments;
    if (!out || !seg) return;
    if (!box.value) {
      out.textContent = "";
      return;
    }
    const c = seg.countSegments(box.value);
    out.textContent = out.dataset.template
      .replace("{chars}", String(c.characters))
      .replace("{segments}", String(c.segments))
      .replace("{encoding}", c.encoding);
  }
  document.addEventListener("input", function (e) {
    if (e.target && e.target.dataset && e.target.dataset.counter) {
      update(e.target);
    }
  });
})();

// Canned responses in the composer: "/phrase" at the cursor asks the server
// for matching ones (a list of buttons under the reply box); picking one
// fetches its text, filled in by the server, and puts it in place of the
// "/phrase" (or at the cursor, from the picker). Arrow keys move through
// the list, Enter or Tab picks the first, Escape closes it.
(function () {
  "use strict";
  const TOKEN = /(^|\s)\/([\p{L}\p{N}_-]*)$/u;
  let timer = null;
  let asked = null;
  function listOf(box) {
    return document.getElementById(box.getAttribute("aria-controls") || "");
  }
  function close(box) {
    const list = listOf(box);
    if (list) list.innerHTML = "";
    asked = null;
  }
  function options(list) {
    return list ? Array.from(list.querySelectorAll("button")) : [];
  }
  document.addEventListener("input", function (e) {
    const box = e.target;
    if (!box || !box.dataset || !box.dataset.canned) return;
    const m = TOKEN.exec(box.value.slice(0, box.selectionEnd));
    clearTimeout(timer);
    if (!m) {
      close(box);
      return;
    }
    timer = setTimeout(function () {
      if (m[2] === asked) return;
      asked = m[2];
      htmx.ajax(
        "GET",
        box.dataset.canned + "/suggest?q=" + encodeURIComponent(m[2]),
        { target: listOf(box), swap: "innerHTML" },
      );
    }, 120);
  });
  // capture: before the composer's own Enter-sends handler
  document.addEventListener("keydown", function (e) {
    const el = e.target;
    if (!el) return;
    if (el.dataset && el.dataset.canned) {
      const first = options(listOf(el))[0];
      if (!first || e.isComposing) return;
      if (e.key === "ArrowDown") first.focus();
      else if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
        first.click();
      } else if (e.key === "Escape") close(el);
      else return;
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    if (!el.classList || !el.classList.contains("canned-option")) return;
    const list = el.closest("ul");
    const all = options(list);
    const i = all.indexOf(el);
    const box = el.form && el.form.querySelector("textarea[data-canned]");
    if (e.key === "ArrowDown" && i < all.length - 1) all[i + 1].focus();
    else if (e.key === "ArrowUp") (i > 0 ? all[i - 1] : box).focus();
    else if (e.key === "Escape" && box) {
      close(box);
      box.focus();
    } else return;
    e.preventDefault();
  }, true);
  // the filled text arrived in the composer's holder: insert it
  document.addEventListener("htmx:after:swap", function (e) {
    const button = e.target;
    if (!button || !button.dataset || button.dataset.cannedFill === undefined) {
      return;
    }
    const box = button.form &&
      button.form.querySelector("textarea[data-canned]");
    const holder = document.querySelector(button.getAttribute("hx-target"));
    if (!box || !holder) return;
    const text = holder.textContent;
    holder.textContent = "";
    const end = box.selectionEnd;
    const m = TOKEN.exec(box.value.slice(0, end));
    const start = m ? end - m[2].length - 1 : box.selectionStart;
    let insert = text;
    if (!m && start > 0 && !/\s/.test(box.value[start - 1])) {
      insert = " " + text;
    }
    box.focus();
    box.setRangeText(insert, start, end, "end");
    close(box);
    const picker = button.closest("details");
    if (picker) picker.open = false;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
