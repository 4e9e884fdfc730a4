// whib world layer: the visited countries shaded above the map tiles as a
// layer people can switch off (only their shapes are loaded:
// GET /world.geojson?codes=…), and Natural Earth's country outlines
// (GET /world.geojson, versioned and cached for good) in a pane under the
// tiles, loaded when the tiles cannot be.
// When tiles cannot be loaded (Leaflet's tileerror, counted by app.js), the
// outlines are what people see, with the markers on them, and a notice says
// so: never a blank grey box.
//
// Loaded with `defer` after app.js, whose window.whib hook it uses.
(function () {
  "use strict";

  var EVENTS = window.whibEvents; // events.js
  var OFFLINE_NOTICE = "Map tiles could not be loaded; showing outlines.";

  function start(hook) {
    var element = document.getElementById("map");
    var url = element && element.dataset.worldUrl;
    if (!url || !hook || !hook.map) {
      return;
    }
    var map = hook.map;
    // Under the tiles (tilePane is 200), and the shading above them but
    // under the markers (overlayPane is 400, markerPane 600).
    map.createPane("outline").style.zIndex = "150";
    map.createPane("visited").style.zIndex = "350";

    var outlineStyle = { className: "world-outline", color: "#8a8f98", weight: 1, fillColor: "#f2efe6", fillOpacity: 1 };
    var visitedStyle = { className: "world-visited", color: "#0b5e6b", weight: 1, fillColor: "#0b5e6b", fillOpacity: 0.2 };
    var visited = L.geoJSON(null, { pane: "visited", interactive: false, style: visitedStyle }).addTo(map);
    L.control.layers(null, { "Visited countries": visited }, { collapsed: false, position: "topright" }).addTo(map);

    // The whole world (about 75 KB) is only loaded when the tiles cannot
    // be: under working tiles it would never be seen.
    var outlineRequested = false;
    watchTiles(element, function () {
      if (outlineRequested) {
        return;
      }
      outlineRequested = true;
      load(url)
        .then(function (data) {
          L.geoJSON(data, { pane: "outline", interactive: false, style: outlineStyle }).addTo(map);
          document.documentElement.dataset.outlineReady = "true";
        })
        .catch(function () {
          document.documentElement.dataset.worldError = "true";
        });
    });

    // The shading needs only the visited countries' shapes.
    var visitedCodes = {};
    var shade = function (codes) {
      var fresh = codes.filter(function (code) {
        return !visitedCodes[code];
      });
      fresh.forEach(function (code) {
        visitedCodes[code] = true;
      });
      if (fresh.length === 0) {
        return Promise.resolve();
      }
      return load(url + "&codes=" + fresh.sort().join(",")).then(function (data) {
        visited.addData(data);
      });
    };
    hook.places
      .catch(function () {
        return [];
      })
      .then(function (places) {
        var codes = [];
        places.forEach(function (place) {
          if (place && /^[A-Z]{2}$/.test(place.country || "") && codes.indexOf(place.country) < 0) {
            codes.push(place.country);
          }
        });
        return shade(codes);
      })
      .then(function () {
        document.documentElement.dataset.worldReady = "true";
      })
      .catch(function () {
        document.documentElement.dataset.worldError = "true";
      });
    document.addEventListener(EVENTS.PLACE_ADDED, function (event) {
      var code = event.detail && event.detail.country;
      if (code && /^[A-Z]{2}$/.test(code)) {
        shade([code]);
      }
    });
    // Edits and imports (curate.js, htmx) can bring new countries too.
    document.addEventListener(EVENTS.PLACES_CHANGED, function (event) {
      var added = (event.detail && event.detail.added) || [];
      shade(added.map(function (place) {
        return String((place && place.country) || "");
      }).filter(function (code) {
        return /^[A-Z]{2}$/.test(code);
      }));
    });
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("the server answered " + response.status);
      }
      return response.json();
    });
  }

  // watchTiles shows the outline view at the first failed tile, including
  // one that failed before this script ran.
  function watchTiles(element, showOutline) {
    var shown = false;
    var offline = function () {
      if (shown) {
        return;
      }
      shown = true;
      showOutline();
      element.classList.add("map-offline");
      var notice = document.getElementById("map-notice");
      if (notice) {
        notice.textContent = OFFLINE_NOTICE;
      }
    };
    if (document.documentElement.dataset.tileErrors) {
      offline();
    }
    document.addEventListener(EVENTS.TILE_ERROR, offline);
  }

  if (window.whib) {
    start(window.whib);
  } else {
    document.addEventListener(EVENTS.MAP_READY, function (event) {
      start(event.detail);
    });
  }
})();
