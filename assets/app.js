// whib front end: draws the places on a Leaflet map, one marker per place
// with its visits in the popup (plans drawn as hollow, dashed pins), lets
// the add-place form take coordinates from a click on the map, puts places
// added through the htmx form on the map without a reload, and shows the
// visits of the year chosen above the map.
//
// Place names and notes are text, always: they reach the DOM only through
// textContent and DOM nodes handed to Leaflet, never as HTML strings.
//
// Loaded with `defer` after leaflet.js, leaflet.markercluster.js and events.js.
(function () {
  "use strict";

  // The custom events' names (events.js). Browser tests and the benchmark
  // wait for MARKERS_READY or the data-markers-ready attribute.
  var EVENTS = window.whibEvents;
  var FETCH_TIMEOUT_MS = 20000;
  // FIT_PADDING_* keep room around the places when the map fits them: a pin
  // stands 41 px above its point, so the top needs more than the sides,
  // or the northernmost pin's head is cut by the map's edge.
  var FIT_PADDING_TOP_LEFT = [32, 56];
  var FIT_PADDING_BOTTOM_RIGHT = [32, 24];
  var FIT_MAX_ZOOM = 10;
  // Below this width the add-place panel is a bottom sheet (app.css).
  var SHEET_MEDIA = "(max-width: 63.99rem)";
  // Room kept around the pending pin (its height and label) when panning.
  var DRAFT_MARGIN = 72;
  // How far the sheet is pulled down to close it, in CSS pixels.
  var SWIPE_CLOSE_PX = 64;
  var removeDraftPin = function () {};

  // padded is Leaflet options with the room FIT_PADDING_* keep.
  function padded(options) {
    options.paddingTopLeft = FIT_PADDING_TOP_LEFT;
    options.paddingBottomRight = FIT_PADDING_BOTTOM_RIGHT;
    return options;
  }

  // readPage reads whib's own page at address as a document: HTML the
  // server rendered and escaped exactly as for a navigation, in which
  // scripts never run. It rejects with what went wrong, in words.
  function readPage(address) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open("GET", address);
      request.responseType = "document";
      request.timeout = FETCH_TIMEOUT_MS;
      request.setRequestHeader("Accept", "text/html");
      request.onload = function () {
        if (request.status !== 200 || !request.response) {
          reject(new Error("the server answered " + request.status));
          return;
        }
        resolve(request.response);
      };
      request.onerror = request.ontimeout = function () {
        reject(new Error("the server did not answer"));
      };
      request.send();
    });
  }

  // adoptParts puts the children of page's elements with these ids in
  // place of this page's (the children, not the elements: what watches
  // them stays), adopted as nodes so no text becomes markup, and keeps the
  // keyboard on the entry it was on when that entry still shows. It
  // reports whether every part was there to adopt.
  function adoptParts(page, ids) {
    var all = true;
    ids.forEach(function (id) {
      var fresh = page.getElementById(id);
      var old = document.getElementById(id);
      if (!fresh || !old) {
        all = false;
        return;
      }
      var focused = old.contains(document.activeElement) ? document.activeElement.closest("[id]") : null;
      old.replaceChildren.apply(old, Array.prototype.map.call(fresh.childNodes, function (node) {
        return document.importNode(node, true);
      }));
      if (window.htmx && typeof window.htmx.process === "function") {
        window.htmx.process(old);
      }
      var again = focused && focused.id ? document.getElementById(focused.id) : null;
      if (again && old.contains(again)) {
        (again.matches("a[href], button, input") ? again : again.querySelector("a[href], button, input") || again).focus();
      }
    });
    return all;
  }

  // list.js and live.js bring parts of the page up to date the same way.
  window.whibPage = Object.freeze({ read: readPage, adopt: adoptParts });

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
      map.fitBounds(config.bounds, padded({ maxZoom: FIT_MAX_ZOOM, animate: false }));
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

    // groups: the places, by placeKey, each {key, name, where, visits:
    // [{place, range}] newest first, marker}; byID: a visit's id → its
    // place's marker; filter: the [first, last] day of the visits shown,
    // null for all.
    var state = {
      map: map, layer: null, count: 0, pending: [], draft: null, calm: calm, byID: {},
      groups: {}, filter: null, today: todayNumber(), chunked: false, listRequest: 0,
    };
    state.filter = visitRange(initialFilter());

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
      // find.js: the near-duplicate question's Cancel drops the pin.
      removeDraft: function () {
        removeDraft(state);
      },
      eachMarker: function (fn) {
        Object.keys(state.groups).forEach(function (key) {
          fn(state.groups[key].marker);
        });
      },
      // live.js: every visit on the map (a place visited twice is one
      // marker and two rows), and the key that makes rows one place.
      eachVisit: function (fn) {
        Object.keys(state.groups).forEach(function (key) {
          state.groups[key].visits.forEach(function (v) {
            fn(v.place);
          });
        });
      },
      placeKey: placeKey,
      // world.js: the visits shown that are not plans (their countries
      // are shaded).
      shown: function () {
        return visitedShown(state);
      },
      decorate: null,
    };
    watchYears(state);
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
    for (var i = 0; i < places.length; i++) {
      addVisit(state, places[i], true);
    }
    var markers = shownMarkers(state);
    var done = function () {
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
    state.count = markers.length;

    // Clustered at every size, so that no two pins overlap (overlapping
    // targets are hard to hit); the last zoom spiderfies what is left.
    if (typeof L.markerClusterGroup === "function") {
      // Cluster bubbles are no Tab stops either: the map is one.
      L.MarkerCluster.mergeOptions({ keyboard: false });
      state.chunked = markers.length > clusterThreshold;
      state.layer = L.markerClusterGroup({
        chunkedLoading: state.chunked,
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
    fitMarkers(state, markers);
    announceShown(state);
  }

  function fitMarkers(state, markers) {
    if (markers.length > 0) {
      var bounds = L.latLngBounds(markers.map(function (m) {
        return m.getLatLng();
      }));
      state.map.fitBounds(bounds, padded({ maxZoom: FIT_MAX_ZOOM, animate: false }));
    }
  }

  // placeKey is what makes rows one place on the map, as the server's rule
  // (store.SameAs without the date) has it: the name with case, spacing,
  // composition and zero-width characters aside, and the point to six
  // decimals (about 11 cm).
  function placeKey(place) {
    var name = String(place.name == null ? "" : place.name).normalize("NFC")
      .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, "").trim().replace(/\s+/g, " ").toLowerCase();
    return name + "\n" + Number(place.latitude).toFixed(6) + "," + Number(place.longitude).toFixed(6);
  }

  // addVisit files a row (a visit) under its place, making the place's
  // marker for its first; it returns the place, or null for a row without
  // a usable point. loading: one row of the first load, whose markers are
  // brought up to date once all rows are in (shownMarkers).
  function addVisit(state, place, loading) {
    var latitude = Number(place.latitude);
    var longitude = Number(place.longitude);
    if (!isFinite(latitude) || !isFinite(longitude) || place.latitude === "" || place.longitude === "") {
      return null;
    }
    var key = placeKey(place);
    var group = state.groups[key];
    if (!group) {
      group = {
        key: key,
        name: String(place.name == null ? "" : place.name),
        where: String(place.latitude) + ", " + String(place.longitude),
        visits: [],
      };
      group.marker = markerFor(state, group, [latitude, longitude]);
      state.groups[key] = group;
    }
    var id = String(place.id || "");
    if (id && state.byID[id]) {
      group.visits = group.visits.filter(function (v) {
        return String(v.place.id || "") !== id;
      });
    }
    group.visits.push({ place: place, range: place.visited ? visitRange(place.visited) : null });
    if (group.visits.length > 1) {
      group.visits.sort(newestFirst);
    }
    if (id) {
      state.byID[id] = group.marker;
    }
    keepNewest(group);
    if (!loading) {
      updateMarker(state, group);
    }
    return group;
  }

  // keepNewest points the marker's place at the newest visit.
  function keepNewest(group) {
    var newest = group.visits[0].place;
    group.marker.place.id = String(newest.id || "");
    group.marker.place.etag = String(newest.etag || "");
  }

  // newestFirst orders visits by their first day, latest first, undated
  // last.
  function newestFirst(a, b) {
    if (!a.range || !b.range) {
      return (a.range ? 0 : 1) - (b.range ? 0 : 1);
    }
    return b.range[0] - a.range[0] || b.range[1] - a.range[1];
  }

  // updateMarker gives a place's marker what curate.js acts on, the
  // newest visit's id and etag (what the page saw of it, sent back in
  // If-Match), and a hollow pin when all it shows are plans.
  function updateMarker(state, group) {
    var marker = group.marker;
    keepNewest(group);
    var planned = shownVisits(state, group).every(function (v) {
      return isPlan(state, v);
    });
    if (planned !== Boolean(marker.planned)) {
      marker.planned = planned;
      marker.setIcon(planned ? plannedIcon() : new L.Icon.Default());
    }
  }

  // shownVisits are the place's visits the year chosen keeps (all of them
  // when none is chosen).
  function shownVisits(state, group) {
    if (!state.filter) {
      return group.visits;
    }
    return group.visits.filter(function (v) {
      return v.range !== null && v.range[0] <= state.filter[1] && state.filter[0] <= v.range[1];
    });
  }

  function isPlan(state, visit) {
    return visit.range !== null && visit.range[0] > state.today;
  }

  // shownMarkers are the markers of the places with a visit shown.
  function shownMarkers(state) {
    var markers = [];
    Object.keys(state.groups).forEach(function (key) {
      var group = state.groups[key];
      if (shownVisits(state, group).length > 0) {
        updateMarker(state, group);
        markers.push(group.marker);
      }
    });
    return markers;
  }

  // visitedShown are the visits shown that are not plans.
  function visitedShown(state) {
    var places = [];
    Object.keys(state.groups).forEach(function (key) {
      shownVisits(state, state.groups[key]).forEach(function (v) {
        if (!isPlan(state, v)) {
          places.push(v.place);
        }
      });
    });
    return places;
  }

  function announceShown(state) {
    document.dispatchEvent(new CustomEvent(EVENTS.VISITS_SHOWN, { detail: { places: visitedShown(state) } }));
  }

  // markerFor builds a place's marker, whose popup (the name, its visits
  // newest first with their notes), tooltip and alt text show the name as
  // text. Popup and tooltip content are functions so the DOM nodes are only
  // made when shown, which keeps maps with many thousands of places light.
  function markerFor(state, group, latlng) {
    // Not a Tab stop each: the map is one, and the list is the keyboard's
    // and screen reader's way to every place.
    var marker = L.marker(latlng, { alt: group.name, keyboard: false });
    marker.group = group;
    marker.place = { id: "", name: group.name };
    marker.bindPopup(function () {
      return popupFor(state, group, marker);
    });
    marker.bindTooltip(function () {
      return textElement("span", "place-tooltip", group.name);
    });
    return marker;
  }

  function popupFor(state, group, marker) {
    var box = document.createElement("span");
    box.appendChild(textElement("strong", "place-popup", group.name));
    var country = countryLabel(group.visits[0].place);
    if (country) {
      box.appendChild(textElement("span", "place-popup-country", " · " + country)); // "Graz · Styria, Austria"
    }
    box.appendChild(coordinatesLine(group.where));
    var visits = visitList(state, group, marker);
    if (visits) {
      box.appendChild(visits);
    }
    var extras = marker.popupExtras ? marker.popupExtras() : null;
    if (extras) {
      box.appendChild(extras);
    }
    return box;
  }

  // visitList lists a place's visits, newest first: "Planned" for a plan,
  // the date as written (or "No date"), and the note; nothing for a place
  // visited once on a day unknown, without a note.
  // visitList is the popup's visits, newest first; a writer's (curate.js:
  // marker.visitExtras) each with its own Edit and Delete when there are
  // several, since each visit is a row of its own.
  function visitList(state, group, marker) {
    var first = group.visits[0];
    if (group.visits.length === 1 && !first.range && !first.place.note) {
      return null;
    }
    var list = document.createElement("ul");
    list.className = "popup-visits";
    group.visits.forEach(function (v) {
      var item = document.createElement("li");
      if (isPlan(state, v)) {
        item.appendChild(textElement("span", "visit-planned-label", "Planned"));
      }
      item.appendChild(v.range ? textElement("span", "visit-date", String(v.place.visited)) : textElement("span", "visit-date visit-undated", "No date"));
      if (v.place.note) {
        item.appendChild(noteElement(String(v.place.note)));
      }
      if (group.visits.length > 1 && marker && marker.visitExtras) {
        item.appendChild(marker.visitExtras(v.place));
      }
      list.appendChild(item);
    });
    return list;
  }

  // noteElement is a note as text, its http and https addresses as links
  // (rel="nofollow noopener"), never as markup: the list's rules
  // (views.noteParts).
  function noteElement(note) {
    var element = document.createElement("span");
    element.className = "visit-note";
    var pattern = /https?:\/\/[^\s<>"]+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(note)) !== null) {
      var address = match[0].replace(/[.,;:!?)\]}']+$/, "");
      if (!isWebAddress(address)) {
        continue;
      }
      if (match.index > last) {
        element.appendChild(document.createTextNode(note.slice(last, match.index)));
      }
      var link = document.createElement("a");
      link.href = address;
      link.rel = "nofollow noopener";
      link.textContent = address;
      element.appendChild(link);
      last = match.index + address.length;
    }
    if (last < note.length) {
      element.appendChild(document.createTextNode(note.slice(last)));
    }
    return element;
  }

  function isWebAddress(text) {
    try {
      var url = new URL(text);
      return (url.protocol === "http:" || url.protocol === "https:") && url.host !== "";
    } catch (error) {
      return false;
    }
  }

  // plannedIcon is a plan's pin: the default pin's shape, hollow, with a
  // dashed outline (app.css colours it), so a plan never reads as a place
  // been to.
  function plannedIcon() {
    var svg = "http://www.w3.org/2000/svg";
    var pin = document.createElementNS(svg, "svg");
    pin.setAttribute("viewBox", "0 0 25 41");
    pin.setAttribute("width", "25");
    pin.setAttribute("height", "41");
    pin.setAttribute("aria-hidden", "true");
    var outline = document.createElementNS(svg, "path");
    outline.setAttribute("d", "M12.5 1.5C6.4 1.5 1.5 6.4 1.5 12.5c0 8.3 11 27 11 27s11-18.7 11-27c0-6.1-4.9-11-11-11z");
    var dot = document.createElementNS(svg, "circle");
    dot.setAttribute("cx", "12.5");
    dot.setAttribute("cy", "12.5");
    dot.setAttribute("r", "4");
    pin.appendChild(outline);
    pin.appendChild(dot);
    return L.divIcon({ html: pin, className: "planned-marker", iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], tooltipAnchor: [16, -28] });
  }

  // visitRange reads the visited notation (2019, 2019-07, 2019-07-14, or two
  // joined by "/") into its first and last day as yyyymmdd numbers; null
  // when unknown or not the notation.
  function visitRange(text) {
    var match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:\/(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?)?$/.exec(String(text == null ? "" : text).trim());
    if (!match) {
      return null;
    }
    var first = dayRange(match[1], match[2], match[3]);
    var last = match[4] ? dayRange(match[4], match[5], match[6]) : first;
    return [first[0], last[1]];
  }

  function dayRange(year, month, day) {
    var y = Number(year) * 10000;
    if (!month) {
      return [y + 101, y + 1231];
    }
    var m = Number(month);
    if (!day) {
      return [y + m * 100 + 1, y + m * 100 + new Date(Date.UTC(Number(year), m, 0)).getUTCDate()];
    }
    return [y + m * 100 + Number(day), y + m * 100 + Number(day)];
  }

  function todayNumber() {
    var now = new Date();
    return now.getFullYear() * 10000 + (now.getMonth() + 1) * 100 + now.getDate();
  }

  // coordinatesLine shows a place's coordinates as a person reads them (six
  // decimals, about 10 cm) with a button that copies them as stored, every
  // digit (data-coordinates).
  function coordinatesLine(where) {
    var line = document.createElement("span");
    line.className = "place-popup-coords";
    line.dataset.coordinates = where;
    var shown = where.split(", ").map(readableDegrees).join(", ");
    line.appendChild(textElement("code", "", shown));
    if (navigator.clipboard && navigator.clipboard.writeText) {
      var copy = document.createElement("button");
      copy.type = "button";
      copy.className = "link-button";
      copy.textContent = "Copy";
      copy.setAttribute("aria-label", "Copy the coordinates " + shown);
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(line.dataset.coordinates).then(function () {
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
    if (!marker || !state.layer || !state.layer.hasLayer(marker)) {
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

  // countryLabel is "Styria, Austria" from a place's region_name and
  // country_name; no flag emoji, which need a font many systems lack.
  function countryLabel(place) {
    var name = String(place.country_name || "");
    var region = String(place.region_name || "");
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

  // addPlace puts a visit announced by the server (HX-Trigger) on the map:
  // a new place's marker, or one more visit in a place's popup. stayPut (a
  // change made elsewhere, live.js) leaves the view and a pin being placed
  // as they are.
  function addPlace(state, place, stayPut) {
    if (!state.layer) {
      state.pending.push(place); // the markers are still loading
      return;
    }
    var known = Boolean(state.groups[placeKey(place)]);
    var group = addVisit(state, place);
    if (!group) {
      return;
    }
    if (!stayPut) {
      removeDraft(state);
    }
    if (!known) {
      remember(state, group.marker);
    }
    if (shownVisits(state, group).length > 0 && !state.layer.hasLayer(group.marker)) {
      state.layer.addLayer(group.marker);
      state.count += 1;
    }
    if (!stayPut && state.layer.hasLayer(group.marker)) {
      state.map.panInside(group.marker.getLatLng(), padded({ animate: !state.calm }));
    }
    offerYear(place.visited);
    markersReady(state.count);
    announceShown(state);
  }

  function remember(state, marker) {
    if (window.whib && typeof window.whib.decorate === "function") {
      window.whib.decorate(marker);
    }
  }

  // removePlace takes a deleted (or edited) visit off its place's marker,
  // and the marker off the map with its last visit.
  function removePlace(state, id) {
    var marker = state.byID[id];
    if (!marker || !state.layer) {
      return;
    }
    var group = marker.group;
    delete state.byID[id];
    group.visits = group.visits.filter(function (v) {
      return String(v.place.id || "") !== id;
    });
    var shown = group.visits.length > 0 && shownVisits(state, group).length > 0;
    if (group.visits.length === 0) {
      delete state.groups[group.key];
    } else {
      updateMarker(state, group);
    }
    if (!shown && state.layer.hasLayer(marker)) {
      state.layer.removeLayer(marker);
      state.count -= 1;
    }
    markersReady(state.count);
    announceShown(state);
  }

  // The year control (views.yearControl): a form that loads /?visited=2024
  // without JavaScript. Here a choice applies at once: the markers of that
  // year's visits, its countries shaded (world.js), and the list and the
  // stats as the server gives them for that year; the address keeps it,
  // so it can be shared and embedded.
  function yearSelect() {
    return document.getElementById("year-filter");
  }

  // initialFilter is the visits the page was asked for.
  function initialFilter() {
    var select = yearSelect();
    if (select) {
      return select.value;
    }
    return new URLSearchParams(window.location.search).get("visited") || "";
  }

  function watchYears(state) {
    var select = yearSelect();
    if (!select || !select.form) {
      return;
    }
    select.form.classList.add("year-filter-live");
    select.form.addEventListener("submit", function (event) {
      event.preventDefault();
      applyFilter(state, select.value);
    });
    select.addEventListener("change", function () {
      applyFilter(state, select.value);
    });
  }

  function applyFilter(state, text) {
    state.filter = visitRange(text);
    if (!state.layer) {
      return; // the markers are still loading: they load filtered
    }
    state.layer.clearLayers();
    var markers = shownMarkers(state);
    state.count = markers.length;
    state.layer.addLayers(markers);
    if (!state.chunked) {
      markersReady(state.count);
    }
    fitMarkers(state, markers);
    announceShown(state);
    var address = filterAddress(text);
    history.replaceState(null, "", address + window.location.hash);
    refreshList(state, address);
  }

  // filterAddress is this page's address for the visits chosen: the list's
  // order kept, its page dropped.
  function filterAddress(text) {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    if (text) {
      params.set("visited", text);
    } else {
      params.delete("visited");
    }
    var query = params.toString().replace(/%2F/g, "/");
    return window.location.pathname + (query ? "?" + query : "");
  }

  // refreshList puts the list and its stats (or, on /embed, the credit
  // line) of the page at address in place of this page's.
  function refreshList(state, address) {
    var targets = ["places", "embed-credit"].filter(function (id) {
      return document.getElementById(id);
    });
    if (targets.length === 0) {
      return;
    }
    var number = ++state.listRequest;
    readPage(address)
      .then(function (page) {
        if (number !== state.listRequest) {
          return; // another year was chosen since
        }
        adoptParts(page, targets);
        document.documentElement.dataset.listVisited = new URLSearchParams(address.split("?")[1] || "").get("visited") || "";
      })
      .catch(function (error) {
        setMapStatus("The list could not be brought up to date (" + error.message + "). Reload the page to see it.");
      });
  }

  // offerYear adds the year of a visit just added to the year control.
  function offerYear(visited) {
    var select = yearSelect();
    var range = visitRange(visited);
    if (!select || !range) {
      return;
    }
    var year = String(Math.floor(range[0] / 10000));
    var options = Array.prototype.slice.call(select.options);
    if (options.some(function (o) { return o.value === year; })) {
      return;
    }
    var option = document.createElement("option");
    option.value = year;
    option.textContent = year;
    var before = options.find(function (o) { return /^\d{4}$/.test(o.value) && o.value < year; });
    select.insertBefore(option, before || null);
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
      openSheet(panel);
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

  // readableDegrees is a stored coordinate to at most six decimals, without
  // trailing zeros: "25.031224572388727" reads "25.031225", "47.07" stays.
  function readableDegrees(text) {
    var value = Number(text);
    if (text === "" || !isFinite(value)) {
      return text;
    }
    var rounded = Number(value.toFixed(6));
    return String(rounded === 0 ? 0 : rounded);
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

  // openSheet shows the add-place panel as a bottom sheet, with what
  // closes it on a phone, which has no Escape key: a Close button, a
  // swipe down from its top, a tap outside it (but not on the map, where
  // a tap moves the pending pin).
  function openSheet(panel) {
    if (!panel.querySelector(".sheet-close")) {
      var grip = textElement("div", "sheet-grip", "");
      grip.setAttribute("aria-hidden", "true");
      var close = textElement("button", "button sheet-close", "Close");
      close.type = "button";
      close.setAttribute("aria-label", "Close Add a place");
      close.addEventListener("click", function () {
        closeSheet({ refocus: true });
      });
      panel.prepend(grip, close);
      swipeToClose(panel);
    }
    panel.classList.add("sheet-open");
  }

  // closeSheet closes the bottom sheet, and the pending pin goes with it.
  // options.refocus: focus was in the sheet and goes back to the map,
  // where the point was chosen.
  function closeSheet(options) {
    var panel = document.querySelector(".add-place-panel.sheet-open");
    if (!panel) {
      return;
    }
    panel.classList.remove("sheet-open");
    panel.style.transform = "";
    removeDraftPin();
    var map = document.getElementById("map");
    if (options && options.refocus && map && (panel.contains(document.activeElement) || document.activeElement === document.body)) {
      map.focus({ preventScroll: true });
    }
  }

  // swipeToClose closes the sheet when it is pulled down by its top (the
  // grip and the heading, or anywhere but a control while it is scrolled
  // to the top); it follows the finger meanwhile.
  function swipeToClose(panel) {
    var start = null;
    panel.addEventListener("pointerdown", function (event) {
      var onTop = event.target.closest(".sheet-grip, h2") ||
        (panel.scrollTop === 0 && !event.target.closest("input, textarea, select, button, a, label, .find-popup"));
      start = panel.classList.contains("sheet-open") && onTop ? { x: event.clientX, y: event.clientY, id: event.pointerId } : null;
    });
    document.addEventListener("pointermove", function (event) {
      if (start && event.pointerId === start.id) {
        panel.style.transform = "translateY(" + Math.max(0, event.clientY - start.y) + "px)";
      }
    });
    var end = function (event) {
      if (!start || event.pointerId !== start.id) {
        return;
      }
      var down = event.clientY - start.y;
      var across = Math.abs(event.clientX - start.x);
      start = null;
      panel.style.transform = "";
      if (event.type === "pointerup" && down > SWIPE_CLOSE_PX && down > 2 * across) {
        closeSheet({ refocus: true });
      }
    };
    document.addEventListener("pointerup", end);
    document.addEventListener("pointercancel", end);
  }

  function watchForm() {
    var lastForm = document.getElementById("add-place");
    if (!lastForm) {
      return;
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.querySelector(".add-place-panel.sheet-open") && !event.defaultPrevented) {
        closeSheet({ refocus: true });
      }
    });
    document.addEventListener("click", function (event) {
      var target = event.target;
      if (target.isConnected && target.closest && !target.closest(".add-place-panel, #map")) {
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
