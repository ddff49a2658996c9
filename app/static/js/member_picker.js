// Consortium member picker: a searchable list with removable choices on top of the
// plain <select multiple data-member-picker>, which stays in the form as the source of
// truth (without JavaScript it is an ordinary multi-select). Shipped with the app: no CDN.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function enhance(select) {
    var d = select.dataset;
    var max = parseInt(d.max || "0", 10) || Infinity;
    var wrap = el("div", { "class": "member-picker" });
    var chips = el("ul", { "class": "member-chips", "aria-live": "polite" });
    var inputId = select.id + "-search";
    var search = el("input", { type: "search", id: inputId, "class": "member-search", autocomplete: "off",
                               placeholder: d.searchLabel || "", "aria-label": d.searchLabel || "",
                               "aria-controls": select.id + "-results" });
    var results = el("ul", { id: select.id + "-results", "class": "member-results", role: "listbox" });
    var note = el("p", { "class": "hint member-note" });
    wrap.appendChild(chips);
    wrap.appendChild(search);
    wrap.appendChild(results);
    wrap.appendChild(note);
    select.parentNode.insertBefore(wrap, select.nextSibling);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;

    function options() { return Array.prototype.slice.call(select.options); }
    function selected() { return options().filter(function (o) { return o.selected; }); }

    function renderChips() {
      chips.textContent = "";
      var chosen = selected();
      if (!chosen.length) {
        chips.appendChild(el("li", { "class": "muted" }, d.emptyLabel || ""));
      }
      chosen.forEach(function (o) {
        var li = el("li", { "class": "chip" + (o.dataset.badCredit ? " bad" : "") }, o.text + " ");
        var remove = el("button", { type: "button", "class": "link-button",
                                    "aria-label": (d.removeLabel || "×") + " " + o.text }, d.removeLabel || "×");
        remove.addEventListener("click", function () {
          o.selected = false;
          renderChips();
          renderResults();
          search.focus();
        });
        li.appendChild(remove);
        chips.appendChild(li);
      });
      note.textContent = chosen.length >= max ? (d.maxLabel || "") : "";
    }

    function renderResults() {
      results.textContent = "";
      var q = search.value.trim().toLowerCase();
      if (!q) { return; }
      var matches = options().filter(function (o) {
        return !o.selected && (o.dataset.search || o.text).toLowerCase().indexOf(q) !== -1;
      }).slice(0, 20);
      if (!matches.length) {
        results.appendChild(el("li", { "class": "muted" }, d.noneLabel || ""));
        return;
      }
      matches.forEach(function (o) {
        var li = el("li", { role: "option", tabindex: "0", "class": o.dataset.badCredit ? "bad" : "" }, o.text);
        function pick() {
          if (selected().length >= max) { return; }
          o.selected = true;
          search.value = "";
          renderChips();
          renderResults();
          search.focus();
        }
        li.addEventListener("click", pick);
        li.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); }
        });
        results.appendChild(li);
      });
    }

    search.addEventListener("input", renderResults);
    search.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {  // never submit the bid form from the search box
        e.preventDefault();
        var first = results.querySelector("[role=option]");
        if (first) { first.click(); }
      } else if (e.key === "ArrowDown") {
        var opt = results.querySelector("[role=option]");
        if (opt) { e.preventDefault(); opt.focus(); }
      }
    });
    renderChips();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-member-picker]").forEach(enhance);
  });
}());
