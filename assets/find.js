// whib "Find a place": the keyboard and picking behaviour of the add-place
// form's combobox (ARIA 1.2, list autocomplete). htmx fetches the listbox
// (GET /search) as the person types and swaps in #place-find-popup; this
// file moves the active option with ↑/↓, picks it with Enter or a click,
// closes the list with Esc, and fills the form from the pick: the name (which
// stays editable) and the coordinates, moving the pending pin and flying the
// map there through app.js's window.whib hook. A region or a country is
// not a place to add: picking one flies the map to it (its data-bounds) and
// leaves the form as it was.
//
// It also lets a coordinate pair pasted into the latitude field fill both
// fields. Names reach the DOM as text only (values and textContent).
//
// Loaded with `defer` after app.js. Everything is delegated from document,
// because htmx replaces the whole form after each add.
(function () {
  "use strict";

  var INPUT_ID = "place-find";
  var POPUP_ID = "place-find-popup";
  var FLY_ZOOM = 10;

  function input() {
    return document.getElementById(INPUT_ID);
  }

  function options() {
    var popup = document.getElementById(POPUP_ID);
    return popup ? Array.prototype.slice.call(popup.querySelectorAll('[role="option"]')) : [];
  }

  function popupOf() {
    return document.getElementById(POPUP_ID);
  }

  function setOpen(open) {
    var field = input();
    var popup = popupOf();
    if (!field || !popup) {
      return;
    }
    open = open && options().length > 0;
    field.setAttribute("aria-expanded", open ? "true" : "false");
    popup.classList.toggle("find-open", open);
    if (!open) {
      setActive(-1);
    }
  }

  function isOpen() {
    var field = input();
    return !!field && field.getAttribute("aria-expanded") === "true";
  }

  function activeIndex() {
    var field = input();
    var id = field ? field.getAttribute("aria-activedescendant") : "";
    if (!id) {
      return -1;
    }
    return options().findIndex(function (option) {
      return option.id === id;
    });
  }

  function setActive(index) {
    var field = input();
    var all = options();
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      option.classList.toggle("find-active", i === index);
    });
    if (!field) {
      return;
    }
    if (index < 0 || index >= all.length) {
      field.removeAttribute("aria-activedescendant");
      return;
    }
    field.setAttribute("aria-activedescendant", all[index].id);
    if (typeof all[index].scrollIntoView === "function") {
      all[index].scrollIntoView({ block: "nearest" });
    }
  }

  function announce(text) {
    var status = document.getElementById("place-find-status");
    if (status) {
      status.textContent = text;
    }
  }

  function move(step) {
    var count = options().length;
    if (count === 0) {
      return;
    }
    if (!isOpen()) {
      setOpen(true);
    }
    var next = activeIndex() + step;
    if (next >= count) {
      next = 0;
    } else if (next < 0) {
      next = count - 1;
    }
    setActive(next);
  }

  function pick(option, byKey) {
    var kind = option.dataset.kind;
    if (kind === "region" || kind === "country") {
      showArea(option);
      return;
    }
    var form = option.closest("form") || document.getElementById("add-place");
    var name = option.dataset.name || "";
    var latitude = option.dataset.latitude || "";
    var longitude = option.dataset.longitude || "";
    if (form) {
      if (option.dataset.kind !== "coordinates") {
        setValue(form, "name", name);
      }
      setValue(form, "latitude", latitude);
      setValue(form, "longitude", longitude);
    }
    var field = input();
    if (field) {
      field.value = name;
    }
    setOpen(false);
    var where = option.querySelector(".find-where");
    announce("Filled in " + name + (where ? ", " + where.textContent : "") + ". The name can still be changed.");
    var hook = window.whib;
    var lat = Number(latitude);
    var lng = Number(longitude);
    if (hook && isFinite(lat) && isFinite(lng) && latitude !== "" && longitude !== "") {
      hook.showDraft([lat, lng], { afterKey: Boolean(byKey) });
      var target = [lat, lng];
      if (hook.calm) {
        hook.map.setView(target, Math.max(hook.map.getZoom(), FLY_ZOOM), { animate: false });
      } else {
        hook.map.flyTo(target, Math.max(hook.map.getZoom(), FLY_ZOOM));
      }
    }
  }

  // showArea flies the map to a region or a country: west, south, east
  // and north in data-bounds.
  function showArea(option) {
    var field = input();
    if (field) {
      field.value = option.dataset.name || "";
    }
    setOpen(false);
    var edges = String(option.dataset.bounds || "").split(",").map(Number);
    var hook = window.whib;
    if (hook && edges.length === 4 && edges.every(isFinite)) {
      var bounds = L.latLngBounds([edges[1], edges[0]], [edges[3], edges[2]]);
      if (hook.calm) {
        hook.map.fitBounds(bounds, { animate: false });
      } else {
        hook.map.flyToBounds(bounds);
      }
    }
    announce("Showing " + (option.dataset.label || option.dataset.name || "") + " on the map. A region or a country is not added as a place.");
  }

  function setValue(form, name, value) {
    var element = form.elements.namedItem(name);
    if (element) {
      element.value = value;
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  document.addEventListener("keydown", function (event) {
    if (!event.target || event.target.id !== INPUT_ID) {
      return;
    }
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(-1);
        break;
      case "Enter": {
        // Enter here picks; it never submits the form half filled in.
        event.preventDefault();
        var index = activeIndex();
        var all = options();
        if (isOpen() && index >= 0 && index < all.length) {
          pick(all[index], true);
        }
        break;
      }
      case "Escape":
        if (isOpen()) {
          event.preventDefault();
          setOpen(false);
        } else if (event.target.value !== "") {
          event.preventDefault();
          event.target.value = "";
        }
        break;
    }
  });

  // Implicit submission follows keypress in some browsers (and in a keyDown
  // sent without its keydown being honoured): Enter in this field never
  // submits.
  document.addEventListener("keypress", function (event) {
    if (event.target && event.target.id === INPUT_ID && event.key === "Enter") {
      event.preventDefault();
    }
  });

  // A press on an option must not blur the field before the click picks.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("#" + POPUP_ID + ' [role="option"]')) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("#" + POPUP_ID + ' [role="option"]');
    if (option) {
      pick(option);
      return;
    }
    if (!event.target.closest || !event.target.closest(".find-field")) {
      setOpen(false);
    }
  });
  document.addEventListener("focusout", function (event) {
    if (event.target && event.target.id === INPUT_ID) {
      setOpen(false);
    }
  });

  // A fresh listbox arrived: open it if the field is still being used.
  document.addEventListener("htmx:after:swap", function () {
    var popup = popupOf();
    var field = input();
    if (!popup || !field || popup.dataset.seen === "true") {
      return;
    }
    popup.dataset.seen = "true";
    var count = options().length;
    setOpen(count > 0 && document.activeElement === field && field.value.trim() !== "");
    if (field.value.trim().length >= 2) {
      announce(count === 0 ? "No places found." : count === 1 ? "1 place found." : count + " places found.");
    }
    document.documentElement.dataset.findResults = String(count);
  });

  // A search that got no answer says so under the field, where the person
  // is typing (an answer of the server's, even a refusal, brings its own
  // note).
  document.addEventListener("htmx:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var popup = popupOf();
    if (!ctx || ctx.response || ctx.sourceElement !== input() || !popup) {
      return;
    }
    setOpen(false);
    popup.querySelectorAll('[role="option"]').forEach(function (option) {
      option.remove();
    });
    var note = popup.querySelector(".find-note") || document.createElement("p");
    note.className = "find-note";
    note.setAttribute("role", "alert");
    note.textContent = "The search could not reach whib. Check your connection and try again.";
    popup.appendChild(note);
  });

  // A coordinate pair pasted or typed into the latitude field fills both.
  var PAIR = /^\s*([-+]?\d{1,2}(?:\.\d+)?)\s*[,;]?\s+([-+]?\d{1,3}(?:\.\d+)?)\s*$|^\s*([-+]?\d{1,2}(?:\.\d+)?)\s*[,;]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$/;
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target || target.id !== "place-latitude" || !target.form) {
      return;
    }
    var m = PAIR.exec(target.value);
    if (!m) {
      return;
    }
    var latitude = m[1] || m[3];
    var longitude = m[2] || m[4];
    if (Math.abs(Number(latitude)) > 90 || Math.abs(Number(longitude)) > 180) {
      return;
    }
    var other = target.form.elements.namedItem("longitude");
    if (!other || other.value.trim() !== "") {
      return;
    }
    target.value = latitude;
    other.value = longitude;
    other.dispatchEvent(new Event("input", { bubbles: true })); // app.js moves the pin
  });

  // A pair written in degrees, minutes and seconds (48°51'29.6"N
  // 2°17'40.2"E) is read by the server's parser, the one the form's own
  // submission uses, through GET /search: its "coordinates" result is the
  // pair. Only text that holds two axes is sent (two degree signs, or both
  // a north/south and an east/west letter) and only when pasted or
  // dropped, so a latitude typed in degrees and minutes is left alone.
  var AXES = /°[^°]*°|[NS][^A-Za-z]*[EW]|[EW][^A-Za-z]*[NS]/i;
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target || target.id !== "place-latitude" || !target.form || PAIR.test(target.value) || !AXES.test(target.value)) {
      return;
    }
    if (event.inputType !== "insertFromPaste" && event.inputType !== "insertFromDrop") {
      return; // typed, the pair is only half there
    }
    var other = target.form.elements.namedItem("longitude");
    if (!other || other.value.trim() !== "") {
      return;
    }
    var pasted = target.value;
    fetch("/search?q=" + encodeURIComponent(pasted.trim()), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (body) {
        var pair = (body.results || []).filter(function (r) { return r.kind === "coordinates"; })[0];
        if (!pair || target.value !== pasted || other.value.trim() !== "") {
          return; // not a pair, or the person has moved on
        }
        target.value = degrees(pair.latitude);
        other.value = degrees(pair.longitude);
        other.dispatchEvent(new Event("input", { bubbles: true })); // app.js moves the pin
      })
      .catch(function () {
        // Unread here, the pair is still read when the form is sent.
      });
  });

  function degrees(value) {
    return window.whib && window.whib.sixDecimals ? window.whib.sixDecimals(value) : Number(value).toFixed(6);
  }

  // The next add starts (a field is typed in or filled from the map): the
  // last add's confirmation or notice is about a place that is done with,
  // so it goes.
  function clearStaleMessages(event) {
    var form = event.target && event.target.form;
    if (!form || form.id !== "add-place") {
      return;
    }
    ["form-status", "form-notice"].forEach(function (id) {
      var message = form.querySelector("#" + id);
      if (message && message.textContent !== "") {
        message.textContent = "";
      }
    });
  }
  document.addEventListener("input", clearStaleMessages);
  document.addEventListener("change", clearStaleMessages);

  // The near-duplicate question's Cancel: nothing is added, the form and
  // the pending pin are cleared, and the keyboard goes back to the name.
  // (Without JavaScript the link reloads the map, which does the same.)
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("#add-place-cancel");
    var form = cancel && cancel.closest("form");
    if (!form) {
      return;
    }
    event.preventDefault();
    ["name", "latitude", "longitude", "visited", "note"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.value !== undefined) {
        field.value = "";
      }
    });
    ["form-near", "add-place-cancel"].forEach(function (id) {
      var element = form.querySelector("#" + id);
      if (element) {
        element.remove();
      }
    });
    var nearOK = form.elements.namedItem("near_ok");
    if (nearOK) {
      nearOK.remove();
    }
    var submit = form.querySelector("#add-place-submit");
    if (submit) {
      submit.textContent = "Add place";
    }
    if (window.whib && window.whib.removeDraft) {
      window.whib.removeDraft();
    }
    var status = form.querySelector("#form-status");
    if (status) {
      status.textContent = "Nothing was added.";
    }
    var name = form.elements.namedItem("name");
    if (name) {
      name.focus();
    }
  });
})();
