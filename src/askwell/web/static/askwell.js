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

  // Select a freshly created token's text on focus so it is easy to copy.
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && el.id === "token-value" && el.select) {
      el.select();
    }
  });
})();
