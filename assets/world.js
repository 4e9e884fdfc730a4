// whib world layer: Natural Earth's country outlines (GET /world.geojson,
// versioned and cached for good) drawn in a pane under the map tiles, and
// the visited countries shaded above them as a layer people can switch off.
// When tiles cannot be loaded (Leaflet's tileerror, counted by app.js), the
// outlines are what people see, with the markers on them, and a notice says
// so: never a blank grey box.
//
// Loaded with `defer` after app.js, whose window.whib hook it uses.
(function () {
  "use strict";

  var TILE_ERROR_EVENT = "whib:tile-error";
  var PLACE_ADDED_EVENT = "place-added";
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

    watchTiles(element);

    var visitedCodes = {};
    var world = fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("the server answered " + response.status);
      }
      return response.json();
    });
    var places = hook.places.catch(function () {
      return [];
    });

    Promise.all([world, places])
      .then(function (loaded) {
        var data = loaded[0];
        loaded[1].forEach(function (place) {
          if (place && place.country) {
            visitedCodes[place.country] = true;
          }
        });
        L.geoJSON(data, {
          pane: "outline",
          interactive: false,
          style: { className: "world-outline", color: "#8a8f98", weight: 1, fillColor: "#f2efe6", fillOpacity: 1 },
        }).addTo(map);
        var visited = L.geoJSON(null, {
          pane: "visited",
          interactive: false,
          style: { className: "world-visited", color: "#0b5e6b", weight: 1, fillColor: "#0b5e6b", fillOpacity: 0.2 },
        }).addTo(map);
        var shade = function () {
          visited.clearLayers();
          visited.addData({
            type: "FeatureCollection",
            features: data.features.filter(function (f) {
              return f.properties && visitedCodes[f.properties.code];
            }),
          });
        };
        shade();
        L.control.layers(null, { "Visited countries": visited }, { collapsed: false, position: "topright" }).addTo(map);
        document.addEventListener(PLACE_ADDED_EVENT, function (event) {
          var code = event.detail && event.detail.country;
          if (code && !visitedCodes[code]) {
            visitedCodes[code] = true;
            shade();
          }
        });
        document.documentElement.dataset.worldReady = "true";
      })
      .catch(function () {
        document.documentElement.dataset.worldError = "true";
      });
  }

  // watchTiles shows the outline view at the first failed tile, including
  // one that failed before this script ran.
  function watchTiles(element) {
    var shown = false;
    var offline = function () {
      if (shown) {
        return;
      }
      shown = true;
      element.classList.add("map-offline");
      var notice = document.getElementById("map-notice");
      if (notice) {
        notice.textContent = OFFLINE_NOTICE;
      }
    };
    if (document.documentElement.dataset.tileErrors) {
      offline();
    }
    document.addEventListener(TILE_ERROR_EVENT, offline);
  }

  if (window.whib) {
    start(window.whib);
  } else {
    document.addEventListener("whib:map-ready", function (event) {
      start(event.detail);
    });
  }
})();
