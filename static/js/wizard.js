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

// Issue 10 finding 8: the live panel lists the values it could not use ([data-live-error] items, each naming
// its field); the same message is shown right under the field, and the field is marked invalid, until the value
// is corrected. Messages this script added are cleared on every update of the panel.
function showLiveErrors(panel) {
  document.querySelectorAll(".live-field-error").forEach(function (node) {
    node.remove();
  });
  document.querySelectorAll("[data-live-invalid]").forEach(function (input) {
    input.classList.remove("is-invalid");
    input.removeAttribute("data-live-invalid");
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id.indexOf("live-error-") !== 0;
    });
    if (described.length) {
      input.setAttribute("aria-describedby", described.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  });
  panel.querySelectorAll("[data-live-error]").forEach(function (item) {
    var field = item.getAttribute("data-live-error");
    var wrapper = document.getElementById("div_id_" + field);
    if (!wrapper) {
      return;
    }
    var message = document.createElement("div");
    message.id = "live-error-" + field;
    message.className = "invalid-feedback d-block live-field-error";
    message.textContent = item.textContent;
    wrapper.appendChild(message);
    wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (!input.classList.contains("is-invalid")) {
        input.classList.add("is-invalid");
        input.setAttribute("data-live-invalid", "");
      }
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", (described ? described + " " : "") + message.id);
    });
  });
}

document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.id === "live-panel") {
    showLiveErrors(target);
  }
});

// Issue 10 finding 7: leaving a step with unsaved changes (a step tab, any link, closing or reloading the tab)
// asks first. Submitting the form saves it, so a submit never asks.
(function () {
  var form = document.getElementById("step-form");
  if (!form) {
    return;
  }
  var dirty = false;
  form.addEventListener("input", function () {
    dirty = true;
  });
  form.addEventListener("change", function () {
    dirty = true;
  });
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) {
      return undefined;
    }
    event.preventDefault();
    event.returnValue = "";
    return "";
  });
})();
