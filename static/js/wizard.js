// Case form: after a failed submit, move focus to the error summary so keyboard and screen-reader users
// land on the list of problems (each a link to its field). No inline scripts: the CSP forbids them.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
