// Confirmation before irreversible actions: any form (or the submit button pressed)
// with data-confirm asks first.
// No inline scripts anywhere (the CSP forbids them).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var message = (button && button.getAttribute("data-confirm")) || (form.getAttribute && form.getAttribute("data-confirm"));
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  // Guard against double submission: disable the buttons once the form is sent.
  if (!event.defaultPrevented) {
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      window.setTimeout(function () { b.disabled = true; }, 0);
    });
  }
});
