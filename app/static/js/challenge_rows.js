// Table rows of the challenge form (KPIs, milestones): "add a row" adds one in place,
// without a round trip. Without JavaScript the same button submits the form, and the
// server re-renders it with one more row (nothing is saved or lost either way).
(function () {
  "use strict";

  function renumber(row, index) {
    row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/^(kpis|milestones)-\d+-/, "$1-" + index + "-"));
      });
    });
    var first = row.querySelector("td");
    if (first) first.textContent = String(index + 1);
  }

  function clear(row) {
    row.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") el.checked = false;
      else if (el.tagName === "SELECT") el.selectedIndex = 0;
      else el.value = "";
      el.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-row]");
    if (!button) return;
    var table = document.querySelector("table[data-rows='" + button.getAttribute("data-add-row") + "']");
    if (!table) return;
    var body = table.tBodies[0];
    var rows = body.rows;
    var max = parseInt(table.getAttribute("data-max"), 10) || 0;
    event.preventDefault();
    if (!rows.length || (max && rows.length >= max)) {
      button.disabled = true;
      return;
    }
    var copy = rows[rows.length - 1].cloneNode(true);
    clear(copy);
    renumber(copy, rows.length);
    body.appendChild(copy);
    var input = copy.querySelector("input, select, textarea");
    if (input) input.focus();
    if (max && rows.length >= max) button.disabled = true;
  });
})();
