// Bid form: live budget totals (rules 4-6) and milestone percentage sum.
// Only a convenience: the server validates everything again on save and submit.
(function () {
  "use strict";

  function toFen(text) {
    var clean = String(text || "").replace(/[,，\s]/g, "");
    if (!/^\d+(\.\d{1,2})?$/.test(clean)) { return null; }
    var parts = clean.split(".");
    var cents = parts[1] ? (parts[1] + "0").slice(0, 2) : "00";
    return parseInt(parts[0], 10) * 100 + parseInt(cents, 10);
  }

  function yuan(fen) {
    var whole = Math.floor(fen / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var cents = ("0" + (fen % 100)).slice(-2);
    return whole + "." + cents + "元";
  }

  function budget() {
    var box = document.getElementById("budget");
    if (!box) { return; }
    var d = box.dataset;
    var limits = { min: +d.minTotal, cap: +d.cap, support: +d.support, issuer: +d.issuer, ratio: +d.ratio };
    var inputs = {};
    box.querySelectorAll("[data-budget]").forEach(function (el) { inputs[el.dataset.budget] = el; });
    var totalOut = box.querySelector("[data-out=total]");
    var list = box.querySelector("[data-out=problems]");

    function update() {
      var f = toFen(inputs.fiscal.value), i = toFen(inputs.issuer.value), s = toFen(inputs.self.value);
      var problems = [];
      var total = (f || 0) + (i || 0) + (s || 0);
      totalOut.textContent = yuan(total);
      if (f !== null && f > limits.support) { problems.push("申请财政支持超过榜单支持金额 " + yuan(limits.support)); }
      if (f !== null && f > limits.cap) { problems.push("申请财政支持超过单个项目上限 " + yuan(limits.cap)); }
      if (i !== null && i > limits.issuer) { problems.push("发榜方投入超过榜单载明的 " + yuan(limits.issuer)); }
      if (total < limits.min) { problems.push("协议总额低于 " + yuan(limits.min)); }
      if (f !== null && s !== null && s < limits.ratio * f) {
        problems.push("自筹资金应不低于 " + yuan(limits.ratio * f) + "（财政支持的 " + limits.ratio + " 倍）");
      }
      list.textContent = "";
      problems.forEach(function (p) {
        var li = document.createElement("li");
        li.textContent = p;
        list.appendChild(li);
      });
      totalOut.className = problems.length ? "bad" : "good";
    }

    Object.keys(inputs).forEach(function (k) { inputs[k].addEventListener("input", update); });
    update();
  }

  function percents() {
    var out = document.querySelector("[data-out=percent]");
    if (!out) { return; }
    var inputs = document.querySelectorAll("input[data-percent]");
    function update() {
      var sum = 0;
      inputs.forEach(function (el) { sum += parseInt(el.value, 10) || 0; });
      out.textContent = sum + "%";
      out.className = sum === 100 ? "good" : "bad";
    }
    inputs.forEach(function (el) { el.addEventListener("input", update); });
    update();
  }

  // A button with data-confirm-click asks before its form is sent.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm-click]");
    if (button && !window.confirm(button.getAttribute("data-confirm-click"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () { budget(); percents(); });
})();
