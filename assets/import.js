// whib's import panel, for what htmx alone does not do there: choosing
// another file clears the last file's preview at once (htmx fetches the
// new one; until it comes, the old table and its Import button must not
// stay); the checkboxes that change how the file is read (groups, home
// and work: data-recheck) check it again; the preview's first lines are
// read out; a request that got no answer says so in the panel.
//
// Loaded only on pages of people who may write, after htmx. It puts only
// text into the page.
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("import-form");
    var file = document.getElementById("import-file");
    var report = document.getElementById("import-report");
    var status = document.getElementById("import-status");
    if (!form || !file || !report || !status) {
      return;
    }
    file.addEventListener("change", function () {
      report.replaceChildren();
      announce(status, "");
    });
    form.addEventListener("change", function (event) {
      if (event.target !== file && event.target.hasAttribute("data-recheck")) {
        form.requestSubmit();
      }
    });
    document.addEventListener("htmx:after:swap", function () {
      announce(status, summaryOf(report));
    });
    document.addEventListener("htmx:error", function (event) {
      var ctx = event.detail && event.detail.ctx;
      if (!ctx || ctx.response || !ctx.sourceElement || !form.contains(ctx.sourceElement)) {
        return; // not the import's, or the server answered (its answer was swapped in)
      }
      var alert = document.createElement("p");
      alert.className = "form-error";
      alert.setAttribute("role", "alert");
      alert.textContent = "The file could not be sent: could not reach whib. Check your connection and try again; nothing was imported.";
      report.replaceChildren(alert);
    });
  }

  // summaryOf is what the preview says first: the source and what the
  // import does, or why it did not.
  function summaryOf(report) {
    var parts = [];
    report.querySelectorAll(":scope > .import-source, :scope > .import-summary, :scope > .form-error").forEach(function (p) {
      parts.push(p.textContent.trim());
    });
    return parts.join(" ");
  }

  // announce changes the live region only when its text changes, so a
  // swap elsewhere on the page does not read the preview out again.
  function announce(status, text) {
    if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
