// Live countdown to a bid deadline. The server already rendered the text (with the
// time zone beside it); this only keeps it ticking. No inline script (CSP).
(function () {
  function pad(n) { return String(n); }
  function tick(el) {
    var deadline = Date.parse(el.getAttribute("data-deadline"));
    if (isNaN(deadline)) { return; }
    var left = Math.floor((deadline - Date.now()) / 1000);
    if (left <= 0) { el.textContent = el.getAttribute("data-closed-text"); return; }
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600),
        m = Math.floor(left % 3600 / 60), s = left % 60;
    el.textContent = el.getAttribute("data-template")
      .replace("{d}", pad(d)).replace("{h}", pad(h)).replace("{m}", pad(m)).replace("{s}", pad(s));
    window.setTimeout(function () { tick(el); }, 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".countdown[data-deadline]").forEach(tick);
  });
})();
