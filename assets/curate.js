// whib for writers: Edit and Delete in each marker's popup, and markers
// that can be dragged to move a place: saved on drop without a question,
// put back when the save fails, and offering Undo in the status line like
// every other change made on the page (the server's answers put it there
// for the others).
//
// Loaded only on pages of people who may write, after app.js and htmx. Place
// names are text here too: they only ever reach the DOM through textContent.
(function () {
  "use strict";

  var EVENTS = window.whibEvents; // events.js
  var FETCH_TIMEOUT_MS = 20000;

  var hook = null; // app.js's window.whib

  // What a request that got no answer says, wherever it was made.
  var UNREACHABLE = "Could not reach whib. Check your connection and try again.";

  function start(whib) {
    hook = whib;
    whib.decorate = decorate;
    whib.places.then(function () {
      whib.eachMarker(decorate);
    });
  }

  // decorate gives a marker a writer's controls: popup buttons and dragging.
  function decorate(marker) {
    if (!marker.place || !marker.place.id || marker.curated) {
      return;
    }
    marker.curated = true;
    marker.popupExtras = function () {
      // A place visited more than once has its actions on each visit
      // (app.js's visit list, marker.visitExtras).
      return marker.group && marker.group.visits.length > 1 ? null : popupActions(marker, marker.place);
    };
    marker.visitExtras = function (place) {
      return popupActions(marker, place, true);
    };
    marker.options.draggable = true;
    if (marker.dragging) {
      marker.dragging.enable();
    }
    var from = null;
    marker.on("dragstart", function () {
      from = marker.getLatLng();
    });
    marker.on("dragend", function () {
      if (marker.group && marker.group.visits.length > 1) {
        // Each visit is a row, and a drag is one change of one row: moving
        // one visit would split the place in two.
        var back = from;
        requestAnimationFrame(function () {
          marker.setLatLng(back);
        });
        sayFailure(marker.place.name + " was not moved: it has " + marker.group.visits.length +
          " visits, and a drag moves a place with one. Change each visit's point with its Edit.");
        return;
      }
      move(marker, from);
    });
  }

  // popupActions are the Edit and Delete of one visit (place) of marker;
  // dated: their names say which visit ("Delete Graz (2019)").
  function popupActions(marker, place, dated) {
    var id = place.id;
    var name = String(place.name) + (dated && place.visited ? " (" + String(place.visited) + ")" : "");
    var box = document.createElement("span");
    box.className = "popup-actions";
    var edit = document.createElement("a");
    edit.href = "/places/" + encodeURIComponent(id) + "/edit";
    edit.textContent = "Edit";
    edit.setAttribute("aria-label", "Edit " + name);
    var del = document.createElement("button");
    del.type = "button";
    del.className = "link-button link-danger";
    del.textContent = "Delete";
    del.setAttribute("aria-label", "Delete " + name);
    del.dataset.placeId = id;
    del.addEventListener("click", function () {
      marker.closePopup();
      // The same request as the list's Delete button: the answer removes
      // the list entry and the marker, and offers Undo. Its source is the
      // status line: htmx sends nothing for an element no longer in the
      // page, as the popup's button is once the popup closes.
      window.htmx.ajax("DELETE", "/places/" + encodeURIComponent(id), {
        source: document.getElementById("curate-status") || document.body,
        target: "#curate-status",
        swap: "none",
        headers: ifMatch(place),
      });
    });
    box.appendChild(edit);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(del);
    return box;
  }

  // ifMatch is the header that makes a change apply to the place as the
  // page saw it (its entity tag, from the marker data): a request sent
  // twice, or after the place changed, is refused instead of touching
  // another row.
  function ifMatch(place) {
    return place.etag ? { "If-Match": place.etag } : {};
  }

  // move saves a dragged marker's new position; a failed save puts it back.
  function move(marker, from) {
    var to = marker.getLatLng().wrap();
    var id = marker.place.id;
    var options = {
      method: "PATCH",
      credentials: "same-origin",
      headers: Object.assign({ Accept: "application/json", "Content-Type": "application/json" }, ifMatch(marker.place)),
      body: JSON.stringify({ latitude: hook.sixDecimals(to.lat), longitude: hook.sixDecimals(to.lng) }),
    };
    if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) {
      options.signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    }
    setStatus("Moving " + marker.place.name + "…");
    fetch("/places/" + encodeURIComponent(id), options)
      .catch(function () {
        throw new Error(UNREACHABLE); // no answer: the network, or whib is down
      })
      .then(function (response) {
        return response.json().catch(function () {
          return null; // not whib's JSON: a proxy's error page
        }).then(function (body) {
          if (!response.ok) {
            throw new Error(body && body.description ? body.description : "whib answered " + response.status + ". Try again in a moment.");
          }
          return body;
        });
      })
      .then(function (place) {
        setStatus(place.message || "Moved " + marker.place.name + ".");
        offerUndo(place.undo, place.message);
        // The edit gave the place a new id: the marker and the list entry
        // are replaced by ones that carry it.
        document.dispatchEvent(new CustomEvent(EVENTS.PLACES_CHANGED, { detail: { removed: [id], added: [place] } }));
        var item = document.getElementById("place-" + id);
        if (item && window.htmx) {
          window.htmx.ajax("GET", "/places/" + encodeURIComponent(place.id) + "/item", { target: item, swap: "outerHTML" });
        }
      })
      .catch(function (error) {
        if (from) {
          // After the frame Leaflet may still draw the drag in.
          requestAnimationFrame(function () {
            marker.setLatLng(from);
          });
        }
        sayFailure(marker.place.name + " was not moved. " + error.message);
      });
  }

  // sayFailure says what went wrong in the status line, as an alert, and
  // under the map, where a pin was dragged or a popup used.
  function sayFailure(text) {
    var message = document.getElementById("curate-message");
    if (message) {
      message.className = "form-error";
      message.setAttribute("role", "alert");
      message.textContent = text;
    }
    var mapStatus = document.getElementById("map-status");
    if (mapStatus) {
      mapStatus.textContent = text;
    }
  }

  // setStatus says text in the status line (a live region that stays on
  // the page, so that it is announced); the Undo it offers stays.
  function setStatus(text) {
    var message = document.getElementById("curate-message");
    if (message) {
      message.className = "";
      message.removeAttribute("role");
      message.textContent = text;
    }
  }

  // offerUndo puts the Undo of a change just made into the status line,
  // in place of the last one, as the server's answers do (views.Undo):
  // it posts to the change's undo URL, and the answer updates the page.
  function offerUndo(url, summary) {
    var status = document.getElementById("curate-status");
    var old = document.getElementById("curate-undo");
    if (old) {
      old.remove();
    }
    if (!status || !url || !window.htmx) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.id = "curate-undo";
    button.className = "button undo-button";
    button.textContent = "Undo";
    button.setAttribute("aria-label", "Undo: " + String(summary || "").replace(/\.$/, ""));
    button.addEventListener("click", function () {
      window.htmx.ajax("POST", url, { source: button, target: "#curate-status", swap: "none" });
    });
    status.appendChild(button);
  }

  // The keyboard's place. A request made from a list entry (Edit, Save,
  // Cancel, Delete) or from Undo replaces or removes the control that made
  // it, and the browser would leave focus on <body>. Focus moves into what
  // opens (the edit form's first field), back to where it came from when
  // that closes (the entry's Edit), to the next entry after a delete (the
  // previous one, or the list's heading, when none), and to the status
  // line's Redo after an Undo.
  var origin = null; // {kind, control, list, index}

  function watchFocus() {
    document.addEventListener("click", function (event) {
      var control = event.target.closest && event.target.closest("button, a[href]");
      origin = control ? originOf(control) : origin;
    }, true);
    document.addEventListener("keydown", function (event) {
      var form = event.key === "Escape" && event.target.closest && event.target.closest("li form.edit-place");
      var cancel = form && form.querySelector('button[hx-get$="/item"]');
      if (cancel && !event.defaultPrevented) {
        event.preventDefault();
        cancel.click();
      }
    });
    document.addEventListener("htmx:after:swap", settleFocus);
    document.addEventListener("htmx:finally:request", function () {
      // After htmx has settled (and focused any [autofocus] it swapped in).
      // A control used meanwhile (a quick Enter on the Edit button just
      // focused) has an origin of its own, which this request must not
      // clear.
      var settling = origin;
      setTimeout(function () {
        if (origin !== settling) {
          return;
        }
        settleFocus();
        origin = null;
      }, 0);
    });
  }

  // originOf is what a click on control may need to put focus back: the
  // list entry's place in its list.
  function originOf(control) {
    var kind = control.id === "curate-undo" ? "undo" :
      control.closest("form.edit-place") ? "close" :
      /^Edit /.test(control.getAttribute("aria-label") || "") ? "edit" :
      /^Delete /.test(control.getAttribute("aria-label") || "") ? "delete" : "";
    if (!kind) {
      return null;
    }
    var entry = control.closest("li[data-place-id]") ||
      (control.dataset.placeId ? document.getElementById("place-" + control.dataset.placeId) : null);
    var list = entry ? entry.parentElement : null;
    var index = list ? Array.prototype.indexOf.call(list.children, entry) : -1;
    return { kind: kind, control: control, list: list, index: index };
  }

  function settleFocus() {
    var active = document.activeElement;
    if (!origin || (active && active !== document.body && active.isConnected)) {
      return; // focus is somewhere still: leave it there
    }
    var next = focusTarget(origin);
    if (next) {
      next.focus();
    }
  }

  function focusTarget(o) {
    var entries = o.list && o.list.isConnected ? Array.prototype.filter.call(o.list.children, function (e) {
      return e.matches("li[data-place-id]");
    }) : [];
    var entry = entries[o.index];
    if (o.kind === "undo") {
      return document.getElementById("curate-undo") || listHeading();
    }
    if (o.kind === "delete") {
      entry = entry || entries[o.index - 1];
      return entry ? entryFocus(entry) : listHeading();
    }
    if (!entry) {
      return listHeading();
    }
    var form = entry.querySelector("form.edit-place");
    if (form) {
      return form.querySelector('[aria-invalid="true"]') || form.querySelector("input:not([type=hidden]), textarea");
    }
    return entry.querySelector('button[aria-label^="Edit "]') || entryFocus(entry);
  }

  // entryFocus is where Tab first stops in a list entry.
  function entryFocus(entry) {
    return entry.hasAttribute("tabindex") ? entry : entry.querySelector("a[href], button, input");
  }

  function listHeading() {
    var heading = document.getElementById("places-heading");
    if (heading && !heading.hasAttribute("tabindex")) {
      heading.setAttribute("tabindex", "-1");
    }
    return heading;
  }

  // watchFailures says, where it was asked, that a request of the list
  // (Edit, Save, Cancel, Delete, Undo) got no answer; an answer of the
  // server's, even a refusal, says itself.
  function watchFailures() {
    document.addEventListener("htmx:error", function (event) {
      var ctx = event.detail && event.detail.ctx;
      var source = ctx && ctx.sourceElement;
      if (!ctx || ctx.response || !source || !source.closest) {
        return;
      }
      var form = source.closest("form.edit-place");
      var entry = source.closest("li[data-place-id]");
      if (form && form.isConnected) {
        sayIn(form, "form-error", "The change was not saved. " + UNREACHABLE, form.firstElementChild);
      } else if (entry && entry.isConnected) {
        var name = entry.querySelector(".place-name");
        var what = /^Delete /.test(source.getAttribute("aria-label") || "") ? " was not deleted. " : " could not be opened for editing. ";
        sayIn(entry, "entry-error", (name ? name.textContent : "The place") + what + UNREACHABLE, null);
      } else if (source.id === "curate-undo" || source.dataset.placeId) {
        sayFailure((source.id === "curate-undo" ? "Nothing was undone. " : "Nothing was deleted. ") + UNREACHABLE);
      }
    });
  }

  // sayIn puts an alert into box (before before, or at its end), in place
  // of the one it said last.
  function sayIn(box, className, text, before) {
    var old = box.querySelector(":scope > .request-failed");
    if (old) {
      old.remove();
    }
    var alert = document.createElement("p");
    alert.className = className + " request-failed";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    box.insertBefore(alert, before || null);
  }

  watchFocus();
  watchFailures();

  if (window.whib) {
    start(window.whib);
  } else {
    document.addEventListener(EVENTS.MAP_READY, function (event) {
      start(event.detail);
    });
  }
})();
