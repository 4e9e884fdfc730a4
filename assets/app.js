// whib front end: draws the places on a Leaflet map, lets the add-place form
// take coordinates from a click on the map, and puts places added through the
// htmx form on the map without a reload.
//
// Place names are text, always: they reach the DOM only through textContent
// and DOM nodes handed to Leaflet, never as HTML strings.
//
// Loaded with `defer` after leaflet.js, leaflet.markercluster.js and events.js.
(function () {
  "use strict";

  // The custom events' names (events.js). Browser tests and the benchmark
  // wait for MARKERS_READY or the data-markers-ready attribute.
  var EVENTS = window.whibEvents;
  var FETCH_TIMEOUT_MS = 20000;
  var FIT_PADDING = [32, 32];
  var FIT_MAX_ZOOM = 10;
  // Below this width the add-place panel is a bottom sheet (app.css).
  var SHEET_MEDIA = "(max-width: 63.99rem)";
  // Room kept around the pending pin (its height and label) when panning.
  var DRAFT_MARGIN = 72;
  var removeDraftPin = function () {};

  function start() {
    var mapElement = document.getElementById("map");
    if (!mapElement || typeof window.L === "undefined") {
      return; // no map on this page, or Leaflet failed to load: the list still works
    }
    var config = readConfig(mapElement);
    mapElement.replaceChildren(); // the "needs JavaScript" note

    var calm = reducedMotion();
    var map = L.map(mapElement, {
      worldCopyJump: true,
      zoomAnimation: !calm,
      fadeAnimation: !calm,
      markerZoomAnimation: !calm,
      // The wheel scrolls the page; Ctrl/⌘ + wheel, or a click into the
      // map first, zooms (wheelZoom below).
      scrollWheelZoom: false,
    });
    // Open on the places, so no tiles are fetched for a view left at once.
    if (config.bounds) {
      map.fitBounds(config.bounds, { padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, animate: false });
    } else {
      map.setView(config.center, config.zoom);
    }
    wheelZoom(map, mapElement);
    var tiles = L.tileLayer(config.tileURL, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    // world.js shows the country outlines when tiles fail; it may start after
    // the first failure, so the count is kept on <html> as well.
    tiles.on("tileerror", function () {
      var root = document.documentElement;
      root.dataset.tileErrors = String(Number(root.dataset.tileErrors || 0) + 1);
      document.dispatchEvent(new CustomEvent(EVENTS.TILE_ERROR));
    });

    var state = { map: map, layer: null, count: 0, pending: [], draft: null, calm: calm, byID: {} };

    var placesLoaded = loadPlaces(config);
    placesLoaded
      .then(function (places) {
        showPlaces(state, places, config.clusterThreshold);
      })
      .catch(function (error) {
        setMapStatus("The places could not be loaded onto the map (" + error.message + "). The list below has them all.");
        document.documentElement.dataset.markersError = "true";
      });

    map.on("click", function (event) {
      fillCoordinates(state, event.latlng.wrap());
    });
    document.addEventListener("input", function (event) {
      followTypedCoordinates(state, event.target);
    });
    document.addEventListener(EVENTS.PLACE_ADDED, function (event) {
      addPlace(state, event.detail || {});
    });
    // Edits, deletions and undos (curate.js, htmx): {removed: [id], added: [place]}.
    // A change made elsewhere (live.js: detail.live) leaves the view and
    // a pin being placed as they are.
    document.addEventListener(EVENTS.PLACES_CHANGED, function (event) {
      var detail = event.detail || {};
      (detail.removed || []).forEach(function (id) {
        removePlace(state, id);
      });
      (detail.added || []).forEach(function (place) {
        addPlace(state, place, Boolean(detail.live));
      });
    });
    removeDraftPin = function () {
      removeDraft(state);
    };
    watchForm();
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.place-name");
      var id = link && link.closest("[data-place-id]") ? link.closest("[data-place-id]").dataset.placeId : "";
      if (id && showPlaceOnMap(state, id)) {
        event.preventDefault();
        history.replaceState(null, "", "#place=" + id);
      }
    });
    window.addEventListener("hashchange", function () {
      var id = placeFromHash();
      if (id && state.layer) {
        followPlace(state, id);
      }
    });

    // The hook find.js and world.js use: the map, its places and the
    // pending pin.
    window.whib = {
      map: map,
      calm: calm,
      places: placesLoaded,
      // options.afterKey: the point was picked with a key still down; focus
      // moves when it is released, so that the key (Enter) does not act on
      // the name field too and submit the form.
      showDraft: function (latlng, options) {
        showDraft(state, L.latLng(latlng));
        bringFormIntoView(state, Boolean(options && options.afterKey));
      },
      // curate.js: the marker of a place, and a hook adding a writer's
      // controls to popups and markers.
      markerByID: function (id) {
        return state.byID[id] || null;
      },
      // Coordinates as the form writes them.
      sixDecimals: sixDecimals,
      eachMarker: function (fn) {
        Object.keys(state.byID).forEach(function (id) {
          fn(state.byID[id]);
        });
      },
      decorate: null,
    };
    document.dispatchEvent(new CustomEvent(EVENTS.MAP_READY, { detail: window.whib }));
  }

  function reducedMotion() {
    return typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function readConfig(element) {
    var data = element.dataset;
    return {
      center: [Number(data.centerLatitude), Number(data.centerLongitude)],
      zoom: Number(data.zoom),
      tileURL: data.tileUrl,
      attribution: data.tileAttribution, // trusted configuration, not user input
      // The server always sets it (handlers.Config.ClusterThreshold): one
      // number, chosen in one place.
      clusterThreshold: parseInt(data.clusterThreshold, 10),
      markersURL: data.markersUrl || "",
      bounds: parseBounds(data.bounds),
    };
  }

  // parseBounds reads data-bounds="south,west,north,east".
  function parseBounds(text) {
    var parts = String(text || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(function (n) { return !isFinite(n); })) {
      return null;
    }
    return [[parts[0], parts[1]], [parts[2], parts[3]]];
  }

  // wheelZoom: over the map the wheel scrolls the page, with a hint, unless
  // Ctrl/⌘ is held or the map was clicked (until the pointer leaves it).
  function wheelZoom(map, element) {
    var hint = document.getElementById("map-hint");
    var hideHint = null;
    element.addEventListener("wheel", function (event) {
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        var step = event.deltaY < 0 ? 1 : -1;
        map.setZoomAround(map.mouseEventToContainerPoint(event), map.getZoom() + step);
        return;
      }
      if (map.scrollWheelZoom.enabled() || !hint) {
        return;
      }
      hint.classList.add("map-hint-shown");
      clearTimeout(hideHint);
      hideHint = setTimeout(function () {
        hint.classList.remove("map-hint-shown");
      }, 1500);
    }, { passive: false });
    map.on("click", function () {
      map.scrollWheelZoom.enable();
    });
    element.addEventListener("mouseleave", function () {
      map.scrollWheelZoom.disable();
    });
  }

  // loadPlaces reads the embedded JSON block, or fetches the marker URL on large
  // maps. Either way it resolves to [{name, latitude, longitude}].
  function loadPlaces(config) {
    if (!config.markersURL) {
      var block = document.getElementById("places-data");
      return Promise.resolve(block ? JSON.parse(block.textContent) : []);
    }
    var options = { headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) {
      options.signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    }
    return fetch(config.markersURL, options).then(function (response) {
      if (!response.ok) {
        throw new Error("the server answered " + response.status);
      }
      return response.json();
    });
  }

  function showPlaces(state, places, clusterThreshold) {
    var markers = [];
    for (var i = 0; i < places.length; i++) {
      var marker = markerFor(places[i]);
      if (marker) {
        markers.push(marker);
        remember(state, marker);
      }
    }
    var done = function () {
      state.count = markers.length;
      var waiting = state.pending;
      state.pending = [];
      waiting.forEach(function (place) {
        addPlace(state, place);
      });
      markersReady(state.count);
      var id = placeFromHash();
      if (id) {
        followPlace(state, id);
      }
    };

    // Clustered at every size, so that no two pins overlap (overlapping
    // targets are hard to hit); the last zoom spiderfies what is left.
    if (typeof L.markerClusterGroup === "function") {
      // Cluster bubbles are no Tab stops either: the map is one.
      L.MarkerCluster.mergeOptions({ keyboard: false });
      state.layer = L.markerClusterGroup({
        chunkedLoading: markers.length > clusterThreshold,
        animate: !state.calm,
        chunkProgress: function (processed, total) {
          // Called before the plugin's last bookkeeping step; let it finish first.
          if (processed === total) {
            setTimeout(done, 0);
          }
        },
      });
      state.layer.addTo(state.map);
      state.layer.addLayers(markers);
      if (markers.length === 0) {
        done();
      }
    } else {
      state.layer = L.featureGroup(markers).addTo(state.map);
      done();
    }
    if (markers.length > 0) {
      var bounds = L.latLngBounds(markers.map(function (m) {
        return m.getLatLng();
      }));
      state.map.fitBounds(bounds, { padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, animate: false });
    }
  }

  // markerFor builds a marker whose popup, tooltip and alt text show the name as
  // text. Popup and tooltip content are functions so the DOM nodes are only made
  // when shown, which keeps maps with many thousands of places light.
  function markerFor(place) {
    var latitude = Number(place.latitude);
    var longitude = Number(place.longitude);
    if (!isFinite(latitude) || !isFinite(longitude) || place.latitude === "" || place.longitude === "") {
      return null;
    }
    var name = String(place.name == null ? "" : place.name);
    var country = countryLabel(place);
    // Not a Tab stop each: the map is one, and the list is the keyboard's
    // and screen reader's way to every place.
    var marker = L.marker([latitude, longitude], { alt: name, keyboard: false });
    // etag: what the page saw of the place, sent back in If-Match (curate.js).
    marker.place = { id: String(place.id || ""), name: name, etag: String(place.etag || "") };
    var where = String(place.latitude) + ", " + String(place.longitude);
    marker.bindPopup(function () {
      var popup = textElement("strong", "place-popup", name);
      var extras = marker.popupExtras ? marker.popupExtras() : null;
      var box = document.createElement("span");
      box.appendChild(popup);
      if (country) {
        box.appendChild(textElement("span", "place-popup-country", " · " + country)); // "Graz · Styria, Austria 🇦🇹"
      }
      box.appendChild(coordinatesLine(where));
      if (extras) {
        box.appendChild(extras);
      }
      return box;
    });
    marker.bindTooltip(function () {
      return textElement("span", "place-tooltip", name);
    });
    return marker;
  }

  // coordinatesLine shows a place's coordinates as selectable text with a
  // button that copies them.
  function coordinatesLine(where) {
    var line = document.createElement("span");
    line.className = "place-popup-coords";
    line.appendChild(textElement("code", "", where));
    if (navigator.clipboard && navigator.clipboard.writeText) {
      var copy = document.createElement("button");
      copy.type = "button";
      copy.className = "link-button";
      copy.textContent = "Copy";
      copy.setAttribute("aria-label", "Copy the coordinates " + where);
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(where).then(function () {
          copy.textContent = "Copied";
        }, function () {
          copy.textContent = "Select and copy";
        });
      });
      line.appendChild(document.createTextNode(" "));
      line.appendChild(copy);
    }
    return line;
  }

  // showPlaceOnMap flies to a place's marker (out of its cluster) and opens
  // its popup: a list entry's link, or an address ending in #place=<id>.
  function showPlaceOnMap(state, id) {
    var marker = state.byID[id];
    if (!marker || !state.layer) {
      return false;
    }
    var open = function () {
      marker.openPopup();
    };
    if (typeof state.layer.zoomToShowLayer === "function") {
      state.layer.zoomToShowLayer(marker, open);
    } else {
      state.map.setView(marker.getLatLng(), Math.max(state.map.getZoom(), FIT_MAX_ZOOM), { animate: !state.calm });
      open();
    }
    document.getElementById("map").scrollIntoView({ block: "nearest", behavior: state.calm ? "auto" : "smooth" });
    return true;
  }

  // followPlace shows the place an address names (#place=<id>). An edit
  // gives a place a new id, so an id not on the map is asked of the server
  // (GET /places/{id}), which follows an old id to the place now (301) or
  // says that it was deleted, and by which change (410).
  function followPlace(state, id) {
    if (showPlaceOnMap(state, id)) {
      return;
    }
    var options = { headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) {
      options.signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    }
    fetch("/places/" + encodeURIComponent(id), options)
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body || {} };
        });
      })
      .then(function (answer) {
        var now = String(answer.body.id || "");
        if (answer.ok && now && showPlaceOnMap(state, now)) {
          history.replaceState(null, "", "#place=" + now);
          return;
        }
        setMapStatus(answer.ok || !answer.body.description ? "The place this address names is not on the map." : String(answer.body.description));
      })
      .catch(function (error) {
        setMapStatus("The place this address names could not be looked up (" + error.message + ").");
      });
  }

  function placeFromHash() {
    var match = /^#place=([0-9a-f]{12}(?:-[0-9]+)?)$/.exec(window.location.hash);
    return match ? match[1] : "";
  }

  // countryLabel is "Styria, Austria 🇦🇹" from a place's region_name,
  // country and country_name.
  function countryLabel(place) {
    var code = String(place.country || "");
    var name = String(place.country_name || "");
    var region = String(place.region_name || "");
    if (/^[A-Z]{2}$/.test(code)) {
      var flag = String.fromCodePoint(0x1f1e6 + code.charCodeAt(0) - 65, 0x1f1e6 + code.charCodeAt(1) - 65);
      name = name ? name + " " + flag : flag;
    }
    return region && name ? region + ", " + name : name;
  }

  function textElement(tag, className, text) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  function markersReady(count) {
    document.documentElement.dataset.markersReady = String(count);
    document.dispatchEvent(new CustomEvent(EVENTS.MARKERS_READY, { detail: { count: count } }));
  }

  // addPlace puts a place announced by the server (HX-Trigger) on the map
  // and brings it into view; stayPut (a change made elsewhere) does not
  // move the map.
  function addPlace(state, place, stayPut) {
    if (!state.layer) {
      state.pending.push(place); // the markers are still loading
      return;
    }
    var marker = markerFor(place);
    if (!marker || (marker.place.id && state.byID[marker.place.id])) {
      return; // no coordinates, or on the map already
    }
    state.layer.addLayer(marker);
    remember(state, marker);
    state.count += 1;
    if (!stayPut) {
      removeDraft(state);
      state.map.panInside(marker.getLatLng(), { padding: FIT_PADDING, animate: !state.calm });
    }
    markersReady(state.count);
  }

  function remember(state, marker) {
    if (marker.place.id) {
      state.byID[marker.place.id] = marker;
    }
    if (window.whib && typeof window.whib.decorate === "function") {
      window.whib.decorate(marker);
    }
  }

  // removePlace takes a deleted (or edited) place's marker off the map.
  function removePlace(state, id) {
    var marker = state.byID[id];
    if (!marker || !state.layer) {
      return;
    }
    state.layer.removeLayer(marker);
    delete state.byID[id];
    state.count -= 1;
    markersReady(state.count);
  }

  // fillCoordinates copies a clicked position into the form (when there is one)
  // and shows a temporary marker there.
  function fillCoordinates(state, latlng) {
    var form = document.getElementById("add-place");
    if (!form) {
      return;
    }
    setField(form, "latitude", sixDecimals(latlng.lat));
    setField(form, "longitude", sixDecimals(latlng.lng));
    showDraft(state, latlng);
    bringFormIntoView(state, false);
  }

  // bringFormIntoView follows a chosen point to the form: on a phone the
  // panel opens as a bottom sheet, and focus moves to the name.
  function bringFormIntoView(state, afterKey) {
    var panel = document.querySelector(".map-layout .add-place-panel");
    var name = document.getElementById("place-name");
    if (!panel || !name) {
      return;
    }
    if (window.matchMedia && window.matchMedia(SHEET_MEDIA).matches) {
      panel.classList.add("sheet-open");
      keepDraftAboveSheet(state, panel);
    }
    if (afterKey) {
      document.addEventListener("keyup", function () {
        name.focus();
      }, { once: true });
      return;
    }
    name.focus();
  }

  function setField(form, name, value) {
    var input = form.elements.namedItem(name);
    if (input) {
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function sixDecimals(value) {
    var rounded = Math.round(value * 1e6) / 1e6;
    return (rounded === 0 ? 0 : rounded).toFixed(6); // no "-0.000000"
  }

  // followTypedCoordinates moves the temporary marker while someone types
  // coordinates, so they can see where the place will go.
  function followTypedCoordinates(state, target) {
    var form = target && target.form;
    if (!form || form.id !== "add-place" || (target.name !== "latitude" && target.name !== "longitude")) {
      return;
    }
    var latitude = parseCoordinate(form.elements.namedItem("latitude").value, 90);
    var longitude = parseCoordinate(form.elements.namedItem("longitude").value, 180);
    if (latitude === null || longitude === null) {
      return;
    }
    showDraft(state, L.latLng(latitude, longitude));
  }

  function parseCoordinate(text, limit) {
    var trimmed = String(text).trim();
    if (!/^[-+]?\d+(\.\d*)?$/.test(trimmed)) {
      return null;
    }
    var value = Number(trimmed);
    return Math.abs(value) <= limit ? value : null;
  }

  function showDraft(state, latlng) {
    if (state.draft) {
      state.draft.setLatLng(latlng);
      return;
    }
    state.draft = L.marker(latlng, {
      icon: new L.Icon.Default({ className: "draft-marker" }),
      alt: "New place",
      keyboard: false,
      interactive: false,
      zIndexOffset: 1000,
    }).addTo(state.map);
    state.draft.bindTooltip(textElement("span", "place-tooltip", "New place"), {
      permanent: true,
      direction: "top",
      // The default icon's tooltip anchor is 16 px to the right of the
      // pin; this centres the label over it.
      offset: [-16, -36],
    });
  }

  function removeDraft(state) {
    if (state.draft) {
      state.draft.remove();
      state.draft = null;
    }
  }

  function setMapStatus(text) {
    var status = document.getElementById("map-status");
    if (status) {
      status.textContent = text;
    }
  }

  // watchForm improves what happens after htmx swaps in a new form: focus goes
  // to the first invalid field, and the status text is repeated in a live
  // region that stays on the page, because a live region that arrives with its
  // text already in it (the swapped-in form's) is often not read out. Network
  // failures get a message, because then there is no response to swap in.
  // keepDraftAboveSheet pans the map so the pending pin is not hidden
  // under the bottom sheet that just opened over the map.
  function keepDraftAboveSheet(state, panel) {
    if (!state.draft) {
      return;
    }
    var mapBox = state.map.getContainer().getBoundingClientRect();
    // The band of the map still in sight, in the map's own pixels.
    var top = Math.max(0, -mapBox.top);
    var bottom = Math.min(mapBox.bottom, panel.getBoundingClientRect().top) - mapBox.top;
    var tip = state.map.latLngToContainerPoint(state.draft.getLatLng()).y;
    if (bottom - top < DRAFT_MARGIN || (tip > top + DRAFT_MARGIN && tip < bottom - 8)) {
      return; // no room to do better, or already in sight
    }
    // The pin's tip goes a little below the band's middle: its head and
    // label are above it.
    var target = (top + bottom) / 2 + DRAFT_MARGIN / 3;
    state.map.panBy([0, tip - target], { animate: !state.calm });
  }

  function closeSheet() {
    var panel = document.querySelector(".add-place-panel.sheet-open");
    if (panel) {
      panel.classList.remove("sheet-open");
    }
  }

  function watchForm() {
    var lastForm = document.getElementById("add-place");
    if (!lastForm) {
      return;
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.querySelector(".add-place-panel.sheet-open") && !event.defaultPrevented) {
        closeSheet();
      }
    });
    var announcer = document.createElement("div");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    announcer.setAttribute("aria-atomic", "true");
    document.body.appendChild(announcer);

    document.addEventListener("htmx:after:swap", function () {
      var form = document.getElementById("add-place");
      if (!form || form === lastForm) {
        return;
      }
      lastForm = form;
      var invalid = form.querySelector('[aria-invalid="true"]');
      if (invalid) {
        invalid.focus();
      }
      var status = form.querySelector("#form-status");
      var notice = form.querySelector("#form-notice");
      announcer.textContent = notice ? notice.textContent : status ? status.textContent : "";
      // A saved place, or one already on the map, gives a fresh form: the
      // pending pin and the sheet go with the old one.
      var latitude = form.elements.namedItem("latitude");
      if (latitude && latitude.value === "") {
        removeDraftPin();
        closeSheet();
      }
    });
    document.addEventListener("htmx:error", function (event) {
      var ctx = event.detail && event.detail.ctx;
      var form = document.getElementById("add-place");
      if (!form || !ctx || ctx.sourceElement !== form || ctx.response) {
        return; // not our form, or the server answered (its answer was swapped in)
      }
      var alert = form.querySelector("#form-error");
      if (alert) {
        alert.textContent = "The place could not be sent: the server did not answer. Check your connection and try again.";
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
