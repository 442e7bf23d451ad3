/* The office works without this file; it only makes a few things nicer. */
(function () {
  "use strict";

  // Ask before a form that cannot be undone is sent (cancelling an appointment).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // Show the partner's fields only when "Couple" is chosen; without JavaScript they always show.
  document.querySelectorAll("[data-show-for-kind]").forEach(function (block) {
    var form = block.closest("form");
    if (!form) return;
    var radios = form.querySelectorAll("input[name='kind']");
    function update() {
      var chosen = form.querySelector("input[name='kind']:checked");
      block.hidden = !chosen || chosen.value !== block.getAttribute("data-show-for-kind");
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });

  // Bring the summary of a form's problems into view, so a screen reader starts there.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
