/* The intake questions save as they go: a change, or a pause in typing, sends the form in the
   background. Without JavaScript the Save button does the same. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-intake-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector("[data-autosave-status]");
  var QUIET = 1500;
  var timer = null, saving = false, again = false;

  function say(text) { if (status) status.textContent = text; }

  function save() {
    timer = null;
    if (saving) { again = true; return; }
    saving = true;
    var data = new FormData(form);
    data.set("autosave", "1");
    say("Saving…");
    fetch(form.getAttribute("action") || window.location.pathname, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.redirected) {
        // Signed out meanwhile: the sign-in page explains it; typed words stay in this page.
        say("Not saved: you were signed out. Sign in again, then press Save.");
        return;
      }
      return response.json().then(function (body) {
        say(response.ok ? "Saved." : (body.message || "Not saved: check your answers, then press Save."));
        // Where to get help now, shown as soon as the answer is saved; focus stays in the form.
        var help = document.querySelector("[data-intake-help]");
        if (body.help && help) help.hidden = false;
      });
    }).catch(function () {
      say("Not saved: the connection dropped. Press Save to try again.");
    }).then(function () {
      saving = false;
      if (again) { again = false; save(); }
    });
  }

  function soon() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, QUIET);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", function () { if (timer) window.clearTimeout(timer); save(); });
})();
