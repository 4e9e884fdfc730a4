// whib list: the place list's filter box and its keyboard.
//
// The filter (views.listFilter) is a form that loads /?q=… without
// JavaScript. Here it filters as one types: the list's part of the page at
// that address (#place-results, rendered and escaped by the server exactly
// as for a navigation, read as a document in which scripts never run)
// replaces this page's, the address keeps the filter, and a status line
// that stays on the page says how many places match.
//
// Each entry of the list is one Tab stop, its name; the arrow keys reach
// the rest of it (a writer's Edit and Delete, the links in a note): → and
// ← within the entry, ↓ and ↑ to the next and previous entry's name,
// Escape back to the name. What is put in the list later (htmx, live.js,
// a year chosen) is treated the same, as it arrives.
//
// Loaded with `defer` on the map page, after app.js.
(function () {
  "use strict";

  var TYPING_PAUSE_MS = 250;

  function start() {
    var places = document.getElementById("places");
    // Once: the list's part of another page, put in this one, never runs
    // its script again, but nothing here may listen twice.
    if (!places || places.dataset.listReady === "true") {
      return;
    }
    places.dataset.listReady = "true";
    var state = { timer: 0, request: 0 };
    document.addEventListener("input", function (event) {
      if (event.target.id !== "place-filter-input") {
        return;
      }
      clearTimeout(state.timer);
      state.timer = setTimeout(function () {
        filter(state, event.target.form);
      }, TYPING_PAUSE_MS);
    });
    document.addEventListener("submit", function (event) {
      if (event.target.id !== "place-filter") {
        return;
      }
      event.preventDefault();
      clearTimeout(state.timer);
      filter(state, event.target);
    });
    places.addEventListener("keydown", moveInList);
    document.addEventListener("click", confirmDeleteOnAPhone, true);
    enhance(places);
    new MutationObserver(function () {
      enhance(places);
    }).observe(places, { childList: true, subtree: true });
  }

  // filterAddress is the page's address for the form's filter: the list's
  // order and visits kept, its page dropped.
  function filterAddress(form) {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    var text = form.elements.namedItem("q").value.trim();
    if (text) {
      params.set("q", text);
    } else {
      params.delete("q");
    }
    var query = params.toString().replace(/%2F/g, "/");
    return window.location.pathname + (query ? "?" + query : "");
  }

  function filter(state, form) {
    var address = filterAddress(form);
    var number = ++state.request;
    if (address === window.location.pathname + window.location.search) {
      return; // the list shows this filter already (Enter in the box)
    }
    window.whibPage.read(address)
      .then(function (page) {
        if (number !== state.request) {
          return; // more was typed since
        }
        if (!window.whibPage.adopt(page, ["place-results"])) {
          throw new Error("the page had no list");
        }
        history.replaceState(null, "", address + "#places");
        var result = document.getElementById("place-filter-result");
        say(result ? result.firstChild.textContent.trim() : "Every place is shown.");
        document.documentElement.dataset.listQuery = new URLSearchParams(address.split("?")[1] || "").get("q") || "";
      })
      .catch(function (error) {
        if (number === state.request) {
          say("The list could not be filtered (" + error.message + "). Try again, or reload the page.");
        }
      });
  }

  function say(text) {
    var status = document.getElementById("place-filter-status");
    if (status) {
      status.textContent = text;
    }
  }

  // entryOf is the list entry (a top-level item of a list of places) that
  // holds node; null outside one, and in an edit form.
  function entryOf(node) {
    if (!node || !node.closest || node.closest("form, .place-editing")) {
      return null;
    }
    return node.closest(".place-list > li");
  }

  // stops are an entry's controls in order, its name first.
  function stops(entry) {
    return Array.prototype.filter.call(entry.querySelectorAll("a[href], button"), function (e) {
      return !e.disabled && e.getClientRects().length > 0 && !e.closest("form, .place-editing");
    });
  }

  // On a phone, Delete is a wide target of its own, and the first tap
  // only asks: "Delete Nara?" The second deletes (with Undo, as ever);
  // leaving the button takes the question back.
  var PHONE = "(max-width: 40rem)";

  function confirmDeleteOnAPhone(event) {
    var button = event.target.closest && event.target.closest(".place-actions .link-danger");
    if (!button || !window.matchMedia(PHONE).matches || button.dataset.confirming === "true") {
      return;
    }
    event.preventDefault();
    event.stopPropagation(); // before htmx, on the button, sees it
    var label = button.getAttribute("aria-label") || "";
    var text = button.textContent;
    button.dataset.confirming = "true";
    button.textContent = "Tap again to delete";
    button.setAttribute("aria-label", "Confirm: " + label.charAt(0).toLowerCase() + label.slice(1) + "?");
    button.addEventListener("focusout", function () {
      button.dataset.confirming = "false";
      button.textContent = text;
      button.setAttribute("aria-label", label);
    }, { once: true });
    button.focus();
  }

  // enhance makes each entry one Tab stop (an edit form in it keeps its
  // own), shows the keys' hint, and hides the filter's button: typing
  // filters.
  function enhance(places) {
    places.querySelectorAll(".place-list > li").forEach(function (entry) {
      entry.querySelectorAll("a[href]:not(.place-name), button").forEach(function (control) {
        if (!control.closest("form, .place-editing")) {
          control.tabIndex = -1;
        }
      });
    });
    var hint = document.getElementById("place-list-keys");
    if (hint) {
      hint.hidden = false;
    }
    var form = document.getElementById("place-filter");
    if (form) {
      form.classList.add("place-filter-live");
    }
  }

  function moveInList(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var entry = entryOf(event.target);
    if (!entry) {
      return;
    }
    var controls = stops(entry);
    var at = controls.indexOf(event.target);
    var next = null;
    switch (event.key) {
      case "ArrowRight":
        next = controls[at + 1];
        break;
      case "ArrowLeft":
        next = at > 0 ? controls[at - 1] : null;
        break;
      case "Escape":
        next = at > 0 ? controls[0] : null;
        break;
      case "ArrowDown":
      case "ArrowUp":
        next = neighbour(entry, event.key === "ArrowDown" ? 1 : -1);
        break;
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  // neighbour is the name of the entry step entries after (or before)
  // entry, across the groups of a grouped list.
  function neighbour(entry, step) {
    var entries = Array.prototype.filter.call(document.querySelectorAll("#places .place-list > li"), function (e) {
      return entryOf(e) === e && stops(e).length > 0;
    });
    var other = entries[entries.indexOf(entry) + step];
    return other ? stops(other)[0] : null;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
