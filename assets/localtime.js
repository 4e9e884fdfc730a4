// Times in the viewer's own zone. The server writes each <time datetime
// data-local> in UTC, as it cannot know the viewer's zone; this script
// writes it again in the browser's zone and language, and keeps the UTC
// text in its title. It is a file of its own: the CSP allows no inline
// script.
//
// Loaded with `defer` on the change log and a change's own page.
(function () {
  "use strict";

  var FORMAT = { dateStyle: "medium", timeStyle: "short" };

  function localise() {
    var times = document.querySelectorAll("time[data-local]:not([data-localised])");
    for (var i = 0; i < times.length; i++) {
      var element = times[i];
      var when = new Date(element.getAttribute("datetime"));
      if (isNaN(when.getTime())) {
        continue;
      }
      element.title = element.textContent; // "5 Dec 2026 10:44 UTC"
      element.textContent = when.toLocaleString(undefined, FORMAT);
      element.dataset.localised = "true";
    }
  }

  localise();
  // Entries htmx swaps in (an undo from the log) are localised too.
  document.addEventListener("htmx:after:swap", localise);
})();
