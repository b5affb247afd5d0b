// Rings: the facilitator's timer counts down between refreshes. The page works without it (the server
// draws the time left at each refresh); CSP forbids inline script, so this lives here.
(function () {
  "use strict";
  function format(seconds) {
    var sign = seconds < 0 ? "−" : "";
    var s = Math.abs(seconds);
    var m = Math.floor(s / 60);
    var r = s % 60;
    return sign + m + ":" + (r < 10 ? "0" : "") + r;
  }
  function tick() {
    document.querySelectorAll("[data-ring-timer]").forEach(function (el) {
      if (el.getAttribute("data-running") !== "1") {
        return;
      }
      var left = parseInt(el.getAttribute("data-remaining"), 10) - 1;
      el.setAttribute("data-remaining", String(left));
      el.textContent = format(left);
      el.classList.toggle("is-over", left < 0);
    });
  }
  window.setInterval(tick, 1000);
})();
