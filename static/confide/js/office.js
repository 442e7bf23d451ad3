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

  // Activity the server has seen (a save): the idle warning counts again from now.
  function activity() { window.dispatchEvent(new Event("confide:activity")); }

  // Drafts save themselves: a few seconds after typing stops, at least every quarter minute
  // while it goes on, when the idle warning shows, and once more on leaving the page. The text
  // goes only to this page's own address, which seals it like any note.
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = form.querySelector("[data-autosave-status]");
    var QUIET = 3000, MOST = 15000;
    var dirty = false, saving = false, submitting = false, timer = null, lastSave = Date.now();
    var waitingSubmit = null;

    function say(text) { if (status) status.textContent = text; }
    function target() { return form.getAttribute("action") || window.location.pathname + window.location.search; }
    function payload() {
      var data = new FormData(form);
      data.set("autosave", "1");
      return data;
    }
    function finished() {
      saving = false;
      if (waitingSubmit) {
        var button = waitingSubmit;
        waitingSubmit = null;
        submitting = true;
        form.requestSubmit(button);
      } else if (dirty) {
        schedule();
      }
    }
    function save() {
      timer = null;
      if (!dirty || saving || submitting) return;
      saving = true;
      dirty = false;
      lastSave = Date.now();
      say("Saving…");
      fetch(target(), {
        method: "POST", body: payload(), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (response.redirected) {
          // Signed out meanwhile: the server kept what was sent for after signing in.
          submitting = true;
          window.location.assign(response.url);
          return null;
        }
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (!result) return;
        if (!result.ok) {
          dirty = true;
          say(result.body.error || "Not saved automatically. Use Save draft.");
          return;
        }
        if (result.body.url && target() !== result.body.url) {
          // A new note now exists as a draft: later saves (and Sign) go to its own page.
          form.setAttribute("action", result.body.url);
          window.history.replaceState(null, "", result.body.url);
        }
        say("Draft saved at " + result.body.saved_label + ".");
        activity();
      }).catch(function () {
        dirty = true;
        say("Not saved: the connection was lost. Keep this page open and use Save draft.");
      }).then(finished, finished);
    }
    function schedule() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, Date.now() - lastSave >= MOST ? 0 : QUIET);
    }
    form.addEventListener("input", function () {
      dirty = true;
      say("");
      schedule();
    });
    form.addEventListener("submit", function (event) {
      if (saving && !submitting) {
        // Let the automatic save finish first, so a new note is not made twice.
        event.preventDefault();
        waitingSubmit = event.submitter;
        return;
      }
      submitting = true;
      if (timer) window.clearTimeout(timer);
    });
    window.addEventListener("confide:idle-soon", save);
    window.addEventListener("pagehide", function () {
      if (!dirty || submitting || saving || !navigator.sendBeacon) return;
      navigator.sendBeacon(target(), payload());
      dirty = false;
    });
  });

  // Two minutes before the idle sign-out, say so quietly and offer to stay. When the time is
  // up, load the page again: the server signs out and asks for the password.
  var warning = document.getElementById("idle-warning");
  if (warning) {
    var idle = parseInt(warning.getAttribute("data-idle-seconds"), 10) * 1000;
    var WARN = 120000;
    var seen = Date.now(), warnTimer = null, endTimer = null;
    var stay = warning.querySelector("form");
    var arm = function () {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      warning.hidden = true;
      var left = idle - (Date.now() - seen);
      warnTimer = window.setTimeout(function () {
        warning.hidden = false;
        window.dispatchEvent(new Event("confide:idle-soon"));
      }, Math.max(0, left - WARN));
      endTimer = window.setTimeout(function () { window.location.reload(); }, left + 1000);
    };
    window.addEventListener("confide:activity", function () { seen = Date.now(); arm(); });
    stay.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(stay.action, {
        method: "POST", body: new FormData(stay), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (response.ok && !response.redirected) activity();
        else window.location.reload();
      }).catch(function () { window.location.reload(); });
    });
    if (idle > 0) arm();
  }

  // Bring the summary of a form's problems into view, so a screen reader starts there.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
