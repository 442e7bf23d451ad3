// Progressive enhancements for the public site. Everything here also works without it.
(function () {
  "use strict";

  // Leave this site ----------------------------------------------------------------
  // Modelled on the GOV.UK Design System's "Exit this page": blank the page at once,
  // replace the history entry, and let three presses of Shift do the same.
  var SHIFT_PRESSES = 3;
  var WINDOW_MS = 5000;

  function leaveUrl() {
    var link = document.querySelector("[data-leave]");
    return link ? link.href : "https://www.weather.gov/";
  }

  function leave(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.classList.add("is-leaving");
    document.title = "Loading";
    window.location.replace(leaveUrl());
  }

  // A visitor who comes back with the Back button may get this page from the
  // back-forward cache, still blank: show it again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted || document.documentElement.classList.contains("is-leaving")) {
      document.documentElement.classList.remove("is-leaving");
    }
  });

  var presses = [];
  var shiftDown = false;
  var shiftUsedWithOtherKey = false;

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) {
        shiftDown = true;
        shiftUsedWithOtherKey = false;
      }
      return;
    }
    // Any other key, Shift held or not, breaks the sequence: a capital letter is typing.
    if (shiftDown) { shiftUsedWithOtherKey = true; }
    presses = [];
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { return; }
    var clean = shiftDown && !shiftUsedWithOtherKey;
    shiftDown = false;
    if (!clean) { presses = []; return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < WINDOW_MS; });
    presses.push(now);
    if (presses.length >= SHIFT_PRESSES) {
      presses = [];
      leave();
    }
  });

  // Losing focus mid-press (switching apps) must not leave Shift counted as held.
  window.addEventListener("blur", function () { shiftDown = false; });

  // Booking times ---------------------------------------------------------------------
  // Without JavaScript the page shows the practice's zone and a list to pick another; with
  // it, show the visitor's own zone straight away (once: a choice they make wins).
  function visitorZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return ""; }
  }

  function showVisitorZone() {
    var fields = document.querySelectorAll("[data-visitor-zone]");
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].value) { fields[i].value = visitorZone(); }
    }
    var form = document.querySelector("[data-zone-form]");
    if (!form) { return; }
    var select = form.querySelector("select[name=tz]");
    select.addEventListener("change", function () { form.submit(); });
    if (/[?&]tz=/.test(window.location.search)) { return; }
    var zone = visitorZone();
    if (!zone || zone === select.value) { return; }
    var params = new URLSearchParams(window.location.search);
    params.set("tz", zone);
    window.location.replace(window.location.pathname + "?" + params.toString());
  }

  document.addEventListener("DOMContentLoaded", function () {
    showVisitorZone();
    var links = document.querySelectorAll("[data-leave]");
    for (var i = 0; i < links.length; i++) { links[i].addEventListener("click", leave); }
    var hints = document.querySelectorAll(".js-only");
    for (var j = 0; j < hints.length; j++) { hints[j].hidden = false; }
  });
})();
