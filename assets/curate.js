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
      return popupActions(marker);
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
      move(marker, from);
    });
  }

  function popupActions(marker) {
    var id = marker.place.id;
    var box = document.createElement("span");
    box.className = "popup-actions";
    var edit = document.createElement("a");
    edit.href = "/places/" + encodeURIComponent(id) + "/edit";
    edit.textContent = "Edit";
    edit.setAttribute("aria-label", "Edit " + marker.place.name);
    var del = document.createElement("button");
    del.type = "button";
    del.className = "link-button link-danger";
    del.textContent = "Delete";
    del.setAttribute("aria-label", "Delete " + marker.place.name);
    del.addEventListener("click", function () {
      marker.closePopup();
      // The same request as the list's Delete button: the answer removes
      // the list entry and the marker, and offers Undo.
      window.htmx.ajax("DELETE", "/places/" + encodeURIComponent(id), {
        target: "#curate-status",
        swap: "none",
        headers: ifMatch(marker),
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
  function ifMatch(marker) {
    return marker.place.etag ? { "If-Match": marker.place.etag } : {};
  }

  // move saves a dragged marker's new position; a failed save puts it back.
  function move(marker, from) {
    var to = marker.getLatLng().wrap();
    var id = marker.place.id;
    var options = {
      method: "PATCH",
      credentials: "same-origin",
      headers: Object.assign({ Accept: "application/json", "Content-Type": "application/json" }, ifMatch(marker)),
      body: JSON.stringify({ latitude: hook.sixDecimals(to.lat), longitude: hook.sixDecimals(to.lng) }),
    };
    if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) {
      options.signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    }
    setStatus("Moving " + marker.place.name + "…");
    fetch("/places/" + encodeURIComponent(id), options)
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            throw new Error(body && body.description ? body.description : "the server answered " + response.status);
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
        setStatus(marker.place.name + " was not moved: " + error.message);
      });
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
      window.htmx.ajax("POST", url, { target: "#curate-status", swap: "none" });
    });
    status.appendChild(button);
  }

  if (window.whib) {
    start(window.whib);
  } else {
    document.addEventListener(EVENTS.MAP_READY, function (event) {
      start(event.detail);
    });
  }
})();
