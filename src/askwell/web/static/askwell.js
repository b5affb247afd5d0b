// Askwell's only script: progressive enhancements; every page works without it.
(function () {
  "use strict";
  // Confirm destructive actions marked with data-confirm (no inline handlers: CSP forbids them).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form && form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // --- inbox read state ---
  // A page restored from the back/forward cache shows what it showed before: the inbox would still
  // call an item new after it was opened. Pages that mark themselves reload instead.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.querySelector("[data-reload-on-back]")) {
      window.location.reload();
    }
  });

  // Preselect the browser's own timezone where a form offers one and it is among the choices.
  document.addEventListener("DOMContentLoaded", function () {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === zone) {
          select.selectedIndex = i;
          return;
        }
      }
    });
  });

  // --- Ask form: typing is never lost -----------------------------------------------------------
  // Forms marked data-keep-draft keep a copy of their fields in this browser (localStorage, per person
  // and form) as the author types. If the post fails because the session or the form expired, the
  // person signs in again, lands back on the form, and the copy is restored. The page the server
  // sends after a successful save carries ?kept=<form>, which forgets the copy.
  var DRAFT_PREFIX = "askwell.draft.";
  var DRAFT_MAX_AGE_MS = 14 * 24 * 3600 * 1000;
  var TEXT_FIELDS = ["title", "body", "what", "why", "action"];

  function draftKey(form) {
    return DRAFT_PREFIX + form.getAttribute("data-keep-owner") + "." + form.getAttribute("data-keep-draft");
  }

  function kept(el) {
    return el.name && el.name !== "csrf_token" && el.name !== "q" && el.type !== "submit" && el.type !== "button";
  }

  function snapshot(form) {
    var values = {};
    var checked = {};
    var labels = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!kept(el)) {
        return;
      }
      if (el.type === "radio" || el.type === "checkbox") {
        checked[el.name] = checked[el.name] || [];
        if (el.checked) {
          checked[el.name].push(el.value);
          var label = form.querySelector('label[for="' + el.id + '"]');
          labels[el.name + ":" + el.value] = label ? label.textContent : el.value;
        }
      } else {
        values[el.name] = el.value;
      }
    });
    return { at: Date.now(), values: values, checked: checked, labels: labels };
  }

  function hasText(copy) {
    return TEXT_FIELDS.some(function (name) {
      return (copy.values[name] || "").trim() !== "";
    });
  }

  function sameAs(copy, now) {
    return JSON.stringify([copy.values, copy.checked]) === JSON.stringify([now.values, now.checked]);
  }

  function saveDraft(form) {
    var copy = snapshot(form);
    try {
      if (hasText(copy)) {
        localStorage.setItem(draftKey(form), JSON.stringify(copy));
      }
    } catch (e) {
      // Storage full or disabled: the form still works, it just cannot keep a copy.
    }
  }

  function readDraft(form) {
    try {
      var copy = JSON.parse(localStorage.getItem(draftKey(form)) || "null");
      if (copy && copy.values && Date.now() - copy.at < DRAFT_MAX_AGE_MS) {
        return copy;
      }
    } catch (e) {
      return null;
    }
    return null;
  }

  function addChoice(form, name, value, label) {
    // A person chosen for a private ask before the page was reloaded: draw their checkbox again.
    var list = form.querySelector("#" + name + "-people .pick-list");
    if (!list) {
      return null;
    }
    var item = document.createElement("li");
    item.className = "choice";
    var input = document.createElement("input");
    input.type = "checkbox";
    input.name = name;
    input.value = value;
    input.id = name + "-" + value;
    var text = document.createElement("label");
    text.htmlFor = input.id;
    text.textContent = label;
    item.appendChild(input);
    item.appendChild(text);
    list.appendChild(item);
    return input;
  }

  function applyDraft(form, copy) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!kept(el)) {
        return;
      }
      if (el.type === "radio" || el.type === "checkbox") {
        if (copy.checked[el.name]) {
          el.checked = copy.checked[el.name].indexOf(el.value) !== -1;
        }
      } else if (Object.prototype.hasOwnProperty.call(copy.values, el.name)) {
        el.value = copy.values[el.name];
      }
    });
    Object.keys(copy.checked).forEach(function (name) {
      copy.checked[name].forEach(function (value) {
        if (!form.querySelector('input[name="' + name + '"][value="' + CSS.escape(value) + '"]')) {
          var input = addChoice(form, name, value, copy.labels[name + ":" + value] || value);
          if (input) {
            input.checked = true;
          }
        }
      });
    });
  }

  function restoredNotice(form, copy) {
    var note = document.createElement("div");
    note.className = "notice draft-restored";
    note.setAttribute("role", "status");
    var when = new Date(copy.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    note.textContent = "We restored what you were writing in this browser (saved at " + when + "). ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () {
      localStorage.removeItem(draftKey(form));
      window.location.reload();
    });
    note.appendChild(discard);
    form.insertBefore(note, form.firstChild);
  }

  function forgetKeptDraft() {
    var params = new URLSearchParams(window.location.search);
    var done = params.get("kept");
    if (!done) {
      return;
    }
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf(DRAFT_PREFIX) === 0 && key.slice(-(done.length + 1)) === "." + done) {
          localStorage.removeItem(key);
        }
      }
    } catch (e) {
      return;
    }
    params.delete("kept");
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  document.addEventListener("DOMContentLoaded", function () {
    forgetKeptDraft();
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      var copy = readDraft(form);
      if (copy && hasText(copy) && !sameAs(copy, snapshot(form))) {
        applyDraft(form, copy);
        restoredNotice(form, copy);
        // Let the live coaching review the restored text.
        var body = form.querySelector('[name="body"]');
        if (body) {
          body.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }
      form.addEventListener("input", function () {
        saveDraft(form);
      });
      form.addEventListener("change", function () {
        saveDraft(form);
      });
      form.addEventListener("submit", function () {
        saveDraft(form);
      });
    });
  });

  // The compact coaching line is redrawn by every live review: keep it open if the author opened it.
  var coachSummaryOpen = false;
  document.addEventListener(
    "toggle",
    function (event) {
      if (event.target && event.target.closest && event.target.closest("#coach-summary")) {
        coachSummaryOpen = event.target.open;
      }
    },
    true
  );
  document.addEventListener("htmx:oobAfterSwap", function () {
    var details = document.querySelector("#coach-summary details");
    if (details && coachSummaryOpen) {
      details.open = true;
    }
  });

  // A live request answered "session expired" (401, or an expired form token): say so at once, before
  // the person presses Post, with a way to sign in that leaves this page and its text alone.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.getResponseHeader("X-Askwell-Session") !== "expired") {
      return;
    }
    if (document.getElementById("session-expired")) {
      return;
    }
    var note = document.createElement("p");
    note.id = "session-expired";
    note.className = "error session-expired";
    note.setAttribute("role", "alert");
    note.appendChild(document.createTextNode("Your session has expired. "));
    var link = document.createElement("a");
    link.href = "/signin?next=" + encodeURIComponent(window.location.pathname);
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Sign in again in a new tab";
    note.appendChild(link);
    note.appendChild(document.createTextNode("; your text is kept here."));
    var form = document.querySelector("form[data-keep-draft]");
    var place = form || document.getElementById("main");
    place.insertBefore(note, place.firstChild);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var note = document.getElementById("session-expired");
    if (note && event.detail && event.detail.successful) {
      note.remove();
    }
  });

  // Select a freshly created token's text on focus so it is easy to copy.
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && el.id === "token-value" && el.select) {
      el.select();
    }
  });
})();
