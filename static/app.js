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
  // Newest first: a row's last message time (ISO, so text order is time
  // order), then its id.
  function rowOrder(li) {
    const time = li.querySelector(":scope > a > time.when");
    return time && li.id
      ? time.getAttribute("datetime") +
        li.id.replace("conv-", "").padStart(12, "0")
      : "";
  }

  // A live list row (views/live_update.tsx RowUpdate) arrives once and goes
  // where it belongs: sorted into the default list of its inbox and status
  // (newest first), refreshed in place in a filtered view and in the pinned
  // list if it is pinned there, and dropped from every other list.
  htmx.registerExtension("bandeja-row", {
    handle_swap: function (style, _target, fragment) {
      if (style !== "row") return false;
      const row = fragment.firstElementChild;
      if (!row || !row.dataset.list) return true;
      const list = row.dataset.list;
      const inPins = row.hasAttribute("draggable");
      const keep = ["conv-view-" + list];
      if (inPins) keep.push("pins-" + list.split("-")[0]);
      const added = [];
      row.removeAttribute("data-list");
      document.querySelectorAll(".conv-list > #" + row.id).forEach(
        function (old) {
          if (keep.indexOf(old.parentNode.id) < 0) return old.remove();
          const copy = row.cloneNode(true);
          old.replaceWith(copy);
          added.push(copy);
        },
      );
      const live = !inPins && document.getElementById("conv-list-" + list);
      if (live) {
        const empty = live.querySelector(":scope > .empty");
        if (empty) empty.remove();
        const key = rowOrder(row);
        const before = Array.prototype.find.call(live.children, function (li) {
          const other = rowOrder(li);
          return other && other < key;
        });
        live.insertBefore(
          row,
          before || live.querySelector(":scope > .more-item"),
        );
        added.push(row);
      }
      return added;
    },
  });

  // A live customer message comes without what every one of them has
  // (views/reaction_bar.tsx): the reaction form, when it has no reactions
  // yet, and the picker. Both come from the open thread's template.
  function addReactionPickers() {
    const picker = document.getElementById("react-picker");
    if (!picker) return;
    document.querySelectorAll(".messages > li.msg.in:not(:has(> .reactions))")
      .forEach(function (li) {
        const url = "/messages/" + li.id.replace("msg-", "") + "/reactions";
        const form = document.createElement("form");
        form.className = "reactions";
        form.method = "post";
        form.action = url;
        form.setAttribute("hx-post", url);
        form.setAttribute("hx-target", "closest .msg");
        form.setAttribute("hx-swap", "outerHTML");
        li.insertBefore(form, li.querySelector(":scope > .meta"));
        htmx.process(form);
      });
    document.querySelectorAll("form.reactions:not(:has(> .react-picker))")
      .forEach(function (form) {
        const problem = form.querySelector(":scope > .error");
        form.insertBefore(picker.content.cloneNode(true), problem);
      });
  }

  document.addEventListener("htmx:sse:after:message", function () {
    scrollThread();
    addReactionPickers();
    const seq = openThreadLastSeq();
    if (seq && seq !== lastSeq) markOpenThreadRead();
    lastSeq = seq;
    reloadListIfSignalled();
    refreshCampaignIfSignalled();
  });

  // A campaign page's progress changed: its signal element fetches the
  // progress again (its hx-trigger throttles that to once a second).
  function refreshCampaignIfSignalled() {
    document.querySelectorAll(".campaign-signal").forEach(function (el) {
      if (!el.querySelector("[data-event]")) return;
      el.textContent = "";
      htmx.trigger(el, "campaignchanged");
    });
  }

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
    // (a swap whose source left the page reports on the document)
    if (box && e.target.classList && e.target.classList.contains("composer")) {
      box.focus();
    }
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

// The team side: an open chat is read when a message arrives in it (the
// page visible); the tab title counts what is unread; browser notifications
// (asked for only after a click on "turn on") and an optional beep, from
// the live stream's named "notify" messages.
(function () {
  "use strict";
  const openChat = function () {
    return document.querySelector(".thread[data-chat]");
  };
  let chatTimer = null;
  let lastChatSeq = "";
  function chatSeq() {
    const chat = openChat();
    const last = chat &&
      chat.querySelector(".messages > [data-seq]:last-child");
    return chat && last ? chat.dataset.chat + ":" + last.dataset.seq : "";
  }
  function markChatRead() {
    const chat = openChat();
    if (!chat || document.hidden) return;
    clearTimeout(chatTimer);
    chatTimer = setTimeout(function () {
      htmx.ajax("POST", "/chats/" + chat.dataset.chat + "/read", {
        swap: "none",
        target: chat,
      });
    }, 300);
  }

  // "(3) Support · Bandeja": the total the server keeps in #unread-total
  let baseTitle = document.title.replace(/^\(\d+\+?\) /, "");
  function showUnread() {
    const el = document.getElementById("unread-total");
    const n = el ? Number(el.dataset.count || 0) : 0;
    const title = n > 0
      ? "(" + (n > 999 ? "999+" : n) + ") " + baseTitle
      : baseTitle;
    if (document.title !== title) document.title = title;
  }

  // Live unread counts (views/unread_totals_update.tsx): numbers only; the
  // labels come from the page (the switcher's pattern, the badge's).
  function cap(n, max) {
    return n > max ? max + "+" : String(n);
  }
  // the JSON of a named live message ("counts", "notify"), or null
  function messageData(e) {
    try {
      return JSON.parse(e.detail && e.detail.data);
    } catch {
      return null;
    }
  }
  document.addEventListener("counts", function (e) {
    const c = messageData(e);
    if (!c || !c.inboxes) return;
    const select = document.getElementById("inbox-select");
    const pattern = select && select.dataset.labelUnread;
    let total = c.chats || 0;
    Object.keys(c.inboxes).forEach(function (id) {
      const n = c.inboxes[id];
      total += n;
      const option = document.getElementById("inbox-opt-" + id);
      if (!option || !pattern) return;
      const name = option.dataset.name;
      option.textContent = n > 0
        ? pattern.replace("{name}", function () {
          return name;
        }).replace("{count}", cap(n, 999))
        : name;
    });
    const marker = document.getElementById("unread-total");
    if (marker) marker.dataset.count = String(total);
    const badge = document.getElementById("chats-badge");
    if (badge) {
      badge.textContent = cap(c.chats, 99);
      badge.hidden = c.chats === 0;
      if (badge.dataset.label) {
        badge.setAttribute(
          "aria-label",
          badge.dataset.label.replace("{count}", c.chats),
        );
      }
    }
  });

  function markActiveChat() {
    const chat = openChat();
    if (!chat) return;
    document.querySelectorAll(".chat-list a[aria-current]").forEach(
      function (a) {
        a.removeAttribute("aria-current");
      },
    );
    const row = document.querySelector("#chat-row-" + chat.dataset.chat + " a");
    if (row) row.setAttribute("aria-current", "true");
  }

  document.addEventListener("htmx:sse:after:message", function () {
    const seq = chatSeq();
    if (seq && seq !== lastChatSeq) markChatRead();
    lastChatSeq = seq;
    markActiveChat();
    showUnread();
  });
  document.addEventListener("htmx:after:swap", function () {
    baseTitle = document.title.replace(/^\(\d+\+?\) /, "");
    lastChatSeq = chatSeq();
    markActiveChat();
    showUnread();
  });
  document.addEventListener("visibilitychange", function () {
    if (chatSeq()) markChatRead();
  });
  document.addEventListener("DOMContentLoaded", function () {
    lastChatSeq = chatSeq();
    showUnread();
    showEnableButtons();
  });

  // Notifications: permission only on the user's click.
  function canAsk() {
    return "Notification" in globalThis &&
      Notification.permission === "default";
  }
  function showEnableButtons() {
    document.querySelectorAll("[data-notify-enable]").forEach(function (b) {
      b.hidden = !canAsk();
    });
  }
  let audio = null;
  document.addEventListener("click", function (e) {
    // a sound may only start after the user did something on the page
    if (!audio && globalThis.AudioContext) audio = new AudioContext();
    const button = e.target.closest && e.target.closest("[data-notify-enable]");
    if (!button || !canAsk()) return;
    Notification.requestPermission().then(showEnableButtons);
  });
  function beep() {
    if (!audio) return;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  }
  function isOnScreen(url) {
    return !document.hidden && document.hasFocus() &&
      location.pathname === url;
  }
  document.addEventListener("notify", function (e) {
    const n = messageData(e);
    if (!n || isOnScreen(n.url)) return;
    if (n.sound) beep();
    if (
      !("Notification" in globalThis) || Notification.permission !== "granted"
    ) {
      return;
    }
    const note = new Notification(n.title, { body: n.body, tag: n.tag });
    note.onclick = function () {
      globalThis.focus();
      location.assign(n.url);
      note.close();
    };
  });
})();

// The rich composer (F21–F23, F30) and collision notices. Everything here
// improves a plain form that also works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function composerOf(el) {
    return el && el.closest ? el.closest("form.composer") : null;
  }
  function boxOf(form) {
    return form ? form.querySelector("textarea[name=body]") : null;
  }
  function messages(form) {
    try {
      return JSON.parse(form.dataset.messages || "{}");
    } catch {
      return {};
    }
  }
  function fill(template, vars) {
    return String(template || "").replace(/\{(\w+)\}/g, function (m, k) {
      return k in vars ? String(vars[k]) : m;
    });
  }
  function changed(box) {
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // ---- formatting: WhatsApp markup, toggled around the selection ----
  const MARKS = { bold: "*", italic: "_", strike: "~", mono: "```" };
  function wrap(box, mark) {
    const v = box.value;
    let s = box.selectionStart;
    let e = box.selectionEnd;
    // markers hug the text: leave surrounding spaces out of the selection
    while (s < e && /\s/.test(v[s])) s++;
    while (e > s && /\s/.test(v[e - 1])) e--;
    const n = mark.length;
    if (v.slice(s - n, s) === mark && v.slice(e, e + n) === mark) {
      box.setRangeText(v.slice(s, e), s - n, e + n, "select");
    } else if (s === e) {
      box.setRangeText(mark + mark, s, e, "end");
      box.selectionStart = box.selectionEnd = s + n;
    } else {
      box.setRangeText(mark + v.slice(s, e) + mark, s, e, "select");
      box.selectionStart = s + n;
      box.selectionEnd = e + n;
    }
  }
  function list(box, numbered) {
    const v = box.value;
    const s = v.lastIndexOf("\n", box.selectionStart - 1) + 1;
    let e = v.indexOf("\n", box.selectionEnd);
    if (e < 0) e = v.length;
    const lines = v.slice(s, e).split("\n");
    const marked = numbered ? /^\d{1,3}\. / : /^[-*] /;
    const off = lines.every(function (l) {
      return !l || marked.test(l);
    });
    let k = 0;
    const out = lines.map(function (l) {
      if (off) return l.replace(marked, "");
      if (!l.trim()) return l;
      const bare = l.replace(/^([-*]|\d{1,3}\.) /, "");
      k++;
      return (numbered ? k + ". " : "- ") + bare;
    }).join("\n");
    box.setRangeText(out, s, e, "select");
  }
  function format(box, name) {
    if (name === "bullets") list(box, false);
    else if (name === "numbers") list(box, true);
    else if (MARKS[name]) wrap(box, MARKS[name]);
    box.focus();
    changed(box);
  }
  document.addEventListener("click", function (e) {
    const b = e.target.closest && e.target.closest("[data-format]");
    if (!b) return;
    const box = boxOf(composerOf(b));
    if (box && !box.disabled) format(box, b.dataset.format);
  });
  document.addEventListener("keydown", function (e) {
    const box = e.target;
    if (!box || box.name !== "body" || !composerOf(box)) return;
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    let name = null;
    const k = e.key.toLowerCase();
    if (!e.shiftKey && k === "b") name = "bold";
    else if (!e.shiftKey && k === "i") name = "italic";
    else if (!e.shiftKey && k === "e") name = "mono";
    else if (e.shiftKey && k === "x") name = "strike";
    else if (e.shiftKey && e.code === "Digit8") name = "bullets";
    else if (e.shiftKey && e.code === "Digit7") name = "numbers";
    if (!name) return;
    e.preventDefault();
    format(box, name);
  });

  // ---- emoji: insert at the cursor; search by name as you type ----
  const fold = function (s) {
    return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  };
  function insertText(box, text) {
    const s = box.selectionStart;
    box.focus();
    box.setRangeText(text, s, box.selectionEnd, "end");
    changed(box);
  }
  document.addEventListener("click", function (e) {
    const b = e.target.closest && e.target.closest("[data-emoji]");
    if (!b) return;
    const form = composerOf(b);
    const box = boxOf(form);
    if (!box || box.disabled) return;
    insertText(box, b.textContent);
    const picker = b.closest("details");
    if (picker) picker.open = false;
  });
  function filterEmoji(input) {
    const grid = input.closest(".emoji-grid");
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    let any = false;
    grid.querySelectorAll(".emoji-group").forEach(function (g) {
      let shown = 0;
      g.querySelectorAll("[data-emoji]").forEach(function (b) {
        const ok = words.every(function (w) {
          return b.dataset.name.indexOf(w) >= 0;
        });
        b.hidden = !ok;
        if (ok) shown++;
      });
      g.hidden = shown === 0;
      if (shown) any = true;
    });
    const none = grid.querySelector(".emoji-none");
    if (none) none.hidden = any;
  }
  document.addEventListener("input", function (e) {
    if (e.target.classList && e.target.classList.contains("emoji-search")) {
      filterEmoji(e.target);
    }
  });
  document.addEventListener("keydown", function (e) {
    const input = e.target;
    if (!input.classList || !input.classList.contains("emoji-search")) return;
    if (e.key !== "Enter") return;
    // Enter picks the first match (and never sends the reply)
    e.preventDefault();
    const first = input.closest(".emoji-grid")
      .querySelector("[data-emoji]:not([hidden])");
    if (first && !first.closest("[hidden]")) first.click();
  });

  // ---- attachments: picker, drag and drop, paste; checked, then uploaded ----
  function sizeText(n) {
    return n >= 1e6
      ? Math.round(n / 1e5) / 10 + " MB"
      : Math.max(1, Math.round(n / 1e3)) + " KB";
  }
  function chips(form) {
    return Array.from(form.querySelectorAll(".att-list > .att-chip"))
      .filter(function (li) {
        return !li.classList.contains("refused");
      });
  }
  function refuse(form, name, text) {
    const li = document.createElement("li");
    li.className = "att-chip refused";
    li.setAttribute("role", "alert");
    const span = document.createElement("span");
    span.className = "error";
    span.textContent = text;
    li.append(span, removeButton(form, name));
    form.querySelector(".att-list").append(li);
  }
  function removeButton(form, name) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "quiet remove";
    b.dataset.removeAttachment = "";
    b.setAttribute(
      "aria-label",
      fill(messages(form)["upload.remove"], { name: name }),
    );
    b.textContent = "×";
    return b;
  }
  /** The channel's rules, as the server sent them: null when they pass. */
  function problem(form, file, adding) {
    const m = messages(form);
    let limits;
    try {
      limits = JSON.parse(form.dataset.limits);
    } catch {
      return null;
    }
    const current = chips(form);
    if (current.length + adding > limits.maxFiles) {
      return fill(m["upload.too_many"], { max: limits.maxFiles });
    }
    if (file.type) {
      const max = limits.types[file.type];
      if (max === undefined) {
        return fill(m["upload.type"], { name: file.name, type: file.type });
      }
      if (file.size > max) {
        return fill(m["upload.too_large"], {
          name: file.name,
          max: sizeText(max),
        });
      }
    }
    if (limits.maxTotal) {
      const total = current.reduce(function (s, li) {
        return s + Number(li.dataset.size || 0);
      }, file.size);
      if (total > limits.maxTotal) {
        return fill(m["upload.total_too_large"], {
          max: sizeText(limits.maxTotal),
        });
      }
    }
    return null;
  }
  /** A small JPEG of an image, drawn in the browser (the bubble's preview). */
  function thumbnail(file) {
    if (!/^image\/(jpeg|png|gif|webp)$/.test(file.type)) {
      return Promise.resolve(null);
    }
    if (typeof createImageBitmap !== "function") return Promise.resolve(null);
    return createImageBitmap(file).then(function (img) {
      const scale = Math.min(1, 320 / Math.max(img.width, img.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(img.width * scale));
      canvas.height = Math.max(1, Math.round(img.height * scale));
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(resolve, "image/jpeg", 0.7);
      });
    }).catch(function () {
      return null;
    });
  }
  function upload(form, file, opts) {
    const m = messages(form);
    const li = document.createElement("li");
    li.className = "att-chip uploading";
    li.dataset.size = String(file.size);
    const preview = opts && opts.preview;
    if (preview) li.append(preview);
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = (opts && opts.label) || file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const pct = document.createElement("span");
    pct.className = "pct";
    pct.textContent = fill(m["upload.progress"], { percent: 0 });
    li.append(name, bar, pct);
    form.querySelector(".att-list").append(li);
    const body = new FormData();
    body.append("file", file, file.name);
    if (opts && opts.voice) body.append("voice", "1");
    const token = form.querySelector("input[name=_csrf]");
    const ready = opts && opts.voice ? Promise.resolve(null) : thumbnail(file);
    ready.then(function (thumb) {
      if (thumb) {
        body.append("thumb", thumb, "thumb.jpg");
        if (!preview) {
          const img = document.createElement("img");
          img.alt = "";
          img.src = URL.createObjectURL(thumb);
          li.prepend(img);
        }
      }
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.upload);
      if (token) xhr.setRequestHeader("X-CSRF-Token", token.value);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        const p = Math.round(e.loaded / e.total * 100);
        bar.value = p;
        pct.textContent = fill(m["upload.progress"], { percent: p });
      });
      xhr.addEventListener("load", function () {
        if (xhr.status === 200) {
          const tpl = document.createElement("template");
          tpl.innerHTML = xhr.responseText.trim();
          const done = tpl.content.firstElementChild;
          if (done) {
            const keep = li.querySelector("img, audio");
            if (keep) done.prepend(keep);
            li.replaceWith(done);
            return;
          }
        }
        fail(xhr.status >= 400 && xhr.status < 500 ? xhr.responseText : "");
      });
      xhr.addEventListener("error", function () {
        fail("");
      });
      xhr.send(body);
    });
    function fail(text) {
      li.remove();
      refuse(
        form,
        file.name,
        text || fill(m["upload.failed"], { name: file.name }),
      );
    }
  }
  function attach(form, files) {
    const list = Array.from(files || []);
    list.forEach(function (file) {
      const why = problem(form, file, 1);
      if (why) refuse(form, file.name, why);
      else upload(form, file);
    });
  }
  document.addEventListener("change", function (e) {
    const input = e.target;
    if (input.type !== "file" || input.name !== "files") return;
    const form = composerOf(input);
    if (!form || !form.dataset.upload) return;
    attach(form, input.files);
    // uploaded on their own: the reply posts their tokens, not the bytes
    input.value = "";
  });
  document.addEventListener("paste", function (e) {
    const form = composerOf(e.target);
    const files = e.clipboardData && e.clipboardData.files;
    if (!form || !form.dataset.upload || !files || files.length === 0) return;
    e.preventDefault();
    attach(form, files);
  });
  function dragsFiles(e) {
    return e.dataTransfer &&
      Array.from(e.dataTransfer.types || []).indexOf("Files") >= 0;
  }
  document.addEventListener("dragover", function (e) {
    const form = composerOf(e.target);
    if (!form || !form.dataset.upload || !dragsFiles(e)) return;
    e.preventDefault();
    form.classList.add("dropping");
  });
  document.addEventListener("dragleave", function (e) {
    const form = composerOf(e.target);
    if (form && !form.contains(e.relatedTarget)) {
      form.classList.remove("dropping");
    }
  });
  document.addEventListener("drop", function (e) {
    const form = composerOf(e.target);
    if (!form || !form.dataset.upload || !dragsFiles(e)) return;
    e.preventDefault();
    form.classList.remove("dropping");
    attach(form, e.dataTransfer.files);
  });
  document.addEventListener("click", function (e) {
    const b = e.target.closest && e.target.closest("[data-remove-attachment]");
    if (!b) return;
    const li = b.closest(".att-chip");
    const media = li && li.querySelector("img, audio");
    if (media && media.src.startsWith("blob:")) URL.revokeObjectURL(media.src);
    if (li) li.remove();
  });
  // a reply waits for its files: sending mid-upload would leave them out
  document.addEventListener("submit", function (e) {
    const form = e.target;
    if (!form.classList || !form.classList.contains("composer")) return;
    if (!form.querySelector(".att-chip.uploading")) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const list = form.querySelector(".att-list");
    if (list && !list.querySelector(".wait")) {
      const li = document.createElement("li");
      li.className = "att-chip refused wait";
      li.setAttribute("role", "alert");
      li.textContent = messages(form)["upload.wait"] || "";
      list.append(li);
      setTimeout(function () {
        li.remove();
      }, 3000);
    }
  }, true);

  // ---- voice notes (WhatsApp): record, preview, then upload as one ----
  let recording = null;
  function pickType() {
    const types = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus"];
    for (const t of types) {
      if (globalThis.MediaRecorder && MediaRecorder.isTypeSupported(t)) {
        return t;
      }
    }
    return "";
  }
  function stopRecording() {
    if (recording) recording.recorder.stop();
  }
  document.addEventListener("click", function (e) {
    const b = e.target.closest && e.target.closest("[data-record]");
    if (!b) return;
    const form = composerOf(b);
    const m = messages(form);
    if (recording) {
      stopRecording();
      return;
    }
    const type = pickType();
    if (!type || !navigator.mediaDevices) {
      refuse(form, "", m["voice.unsupported"]);
      return;
    }
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
      const recorder = new MediaRecorder(s, { mimeType: type });
      const parts = [];
      const started = Date.now();
      const status = document.createElement("li");
      status.className = "att-chip recording";
      status.setAttribute("role", "status");
      form.querySelector(".att-list").append(status);
      const tick = setInterval(function () {
        const secs = Math.round((Date.now() - started) / 1000);
        status.textContent = fill(m["voice.recording"], { seconds: secs });
        // WhatsApp takes 16 MB; five minutes of Opus is far below it
        if (secs >= 300) stopRecording();
      }, 250);
      recording = { recorder: recorder };
      b.setAttribute("aria-pressed", "true");
      b.setAttribute("aria-label", b.dataset.labelStop);
      b.title = b.dataset.labelStop;
      recorder.addEventListener("dataavailable", function (ev) {
        if (ev.data.size) parts.push(ev.data);
      });
      recorder.addEventListener("stop", function () {
        clearInterval(tick);
        status.remove();
        s.getTracks().forEach(function (track) {
          track.stop();
        });
        recording = null;
        b.setAttribute("aria-pressed", "false");
        b.setAttribute("aria-label", b.dataset.labelRecord);
        b.title = b.dataset.labelRecord;
        const blob = new Blob(parts, { type: type.split(";")[0] });
        if (!blob.size) return;
        const ext = type.indexOf("ogg") >= 0 ? "ogg" : "webm";
        const file = new File([blob], "voice-note." + ext, { type: blob.type });
        const audio = document.createElement("audio");
        audio.controls = true;
        audio.src = URL.createObjectURL(blob);
        upload(form, file, {
          voice: true,
          preview: audio,
          label: m["message.voice_note"],
        });
      });
      recorder.start(1000);
      status.textContent = fill(m["voice.recording"], { seconds: 0 });
    }).catch(function () {
      refuse(form, "", m["voice.mic_denied"]);
    });
  });

  // ---- collision detection: "I am writing" pings, and stale notices ----
  let lastPing = 0;
  document.addEventListener("input", function (e) {
    const box = e.target;
    if (!box || box.name !== "body" || !box.value) return;
    const form = composerOf(box);
    if (!form || !form.dataset.typing) return;
    const now = Date.now();
    if (now - lastPing < 3000) return;
    lastPing = now;
    const token = form.querySelector("input[name=_csrf]");
    fetch(form.dataset.typing, {
      method: "POST",
      headers: { "X-CSRF-Token": token ? token.value : "" },
      keepalive: true,
    }).catch(function () {});
  });
  function expireTyping() {
    document.querySelectorAll(".typing [data-ttl]:not([data-timed])")
      .forEach(function (span) {
        span.dataset.timed = "1";
        setTimeout(function () {
          span.remove();
        }, Number(span.dataset.ttl) || 6000);
      });
  }
  document.addEventListener("htmx:sse:after:message", expireTyping);
  document.addEventListener("htmx:after:swap", expireTyping);
  // a new message from the typist ends their notice at once
  document.addEventListener("htmx:after:swap", function () {
    lastPing = 0;
  });

  // ---- call / meeting: the server says where to go (HX-Trigger) ----
  document.addEventListener("bandeja:open", function (e) {
    const url = e.detail && e.detail.url;
    if (typeof url !== "string") return;
    if (/^https?:/i.test(url)) globalThis.open(url, "_blank", "noopener");
    else if (/^(tel|sip|callto):/i.test(url)) location.href = url;
  });
})();

// Keyboard shortcuts for the inbox (issue 9): j/k open the next/previous
// conversation of the list, r goes to the reply box, e closes the open
// conversation, ? lists them (#shortcuts). Keys typed into a field, or
// with a modifier, are left alone.
(function () {
  function isTyping(el) {
    if (!el || !el.tagName) return false;
    return /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable;
  }
  function rowLinks() {
    return Array.prototype.slice.call(
      document.querySelectorAll(".conv-list li > a[href]"),
    );
  }
  function move(step) {
    const links = rowLinks();
    if (!links.length) return;
    let at = links.indexOf(document.activeElement);
    if (at < 0) {
      at = links.findIndex(function (a) {
        return a.getAttribute("aria-current") === "true";
      });
    }
    const next = at < 0
      ? (step > 0 ? 0 : links.length - 1)
      : Math.max(0, Math.min(links.length - 1, at + step));
    const link = links[next];
    link.focus();
    if (next !== at) link.click();
  }
  const actions = {
    j: function () {
      move(1);
    },
    k: function () {
      move(-1);
    },
    r: function () {
      const box = document.querySelector(".thread textarea[name=body]");
      if (!box || box.disabled) return false;
      box.focus();
    },
    e: function () {
      const form = document.querySelector(
        ".thread .head-actions form[action$='/close']",
      );
      if (!form) return false;
      form.requestSubmit();
    },
    "?": function () {
      const help = document.getElementById("shortcuts");
      if (!help || help.open) return false;
      help.showModal();
    },
  };
  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest("[data-shortcuts]")) return;
    const menu = e.target.closest("details");
    if (menu) menu.open = false;
    actions["?"]();
  });
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (isTyping(e.target) || document.querySelector("dialog[open]")) return;
    const action = actions[e.key];
    if (!action) return;
    if (action() !== false) e.preventDefault();
  });
})();

// Flaky connections (issue 9): a reply that could not reach the server (no
// response at all, not a refusal) stays in its box, says so, and is sent
// again when the browser is back online or the live stream reconnects. The
// form keeps its client_key, so the server stores it once even if the first
// attempt did arrive; a successful send replaces the form with a fresh one.
(function () {
  function markPending(form) {
    form.dataset.pending = "1";
    let note = form.querySelector(".offline-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "notice offline-note";
      note.setAttribute("role", "status");
      form.appendChild(note);
    }
    note.textContent = form.dataset.offline || "";
  }
  function resendPending() {
    if (!navigator.onLine) return;
    document.querySelectorAll("form.composer[data-pending]").forEach(
      function (form) {
        delete form.dataset.pending;
        form.requestSubmit();
      },
    );
  }
  document.addEventListener("htmx:error", function (e) {
    const ctx = e.detail && e.detail.ctx;
    if (!ctx || ctx.response) return;
    const form = e.target && e.target.closest &&
      e.target.closest("form.composer");
    if (form) markPending(form);
  });
  // The live stream: a stalled connection may not fail for minutes, so the
  // browser's own offline/online signals end it at once (it reconnects with
  // back-off and Last-Event-ID) and cut the back-off short. hx-sse (htmx
  // 4.0.1, pinned) keeps its connection on the element as _htmx.sse.
  function liveConnection() {
    const el = document.getElementById("sse");
    return el && el._htmx && el._htmx.sse;
  }
  globalThis.addEventListener("offline", function () {
    const conn = liveConnection();
    if (conn && conn.reader) conn.reader.cancel();
  });
  globalThis.addEventListener("online", function () {
    const conn = liveConnection();
    if (conn && conn.delayCanceller) conn.delayCanceller();
    resendPending();
  });
  document.addEventListener("htmx:sse:after:connection", resendPending);
})();
