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

  document.addEventListener("DOMContentLoaded", function () {
    var links = document.querySelectorAll("[data-leave]");
    for (var i = 0; i < links.length; i++) { links[i].addEventListener("click", leave); }
    var hints = document.querySelectorAll(".js-only");
    for (var j = 0; j < hints.length; j++) { hints[j].hidden = false; }
  });
})();
