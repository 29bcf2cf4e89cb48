// Case form helpers. No inline scripts: the CSP forbids them.

// After a failed submit, move focus to the error summary so keyboard and screen-reader users land on the
// list of problems (each a link to its field).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});

// The live panel is redrawn as the user types; announcing the whole panel each time would drown the form.
// A persistent live region outside the swapped content says one short sentence instead.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (!target || target.id !== "live-panel") {
    return;
  }
  var status = document.getElementById("live-panel-status");
  var summary = target.querySelector("[data-summary]");
  if (status && summary) {
    status.textContent = summary.getAttribute("data-summary");
  }
});
