// whib world layer: the visited countries shaded above the map tiles as a
// layer people can switch off (only their shapes are loaded:
// GET /world.geojson?codes=…; plans are not visits, and a year chosen
// above the map shades that year's countries), the visited regions as a layer people can
// switch on (their outlines, GET /regions.geojson?codes=…, load only then,
// so a visitor's first load does not carry them), and Natural Earth's country outlines
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
    var visited = L.layerGroup().addTo(map);
    var regions = visitedRegions(map, hook);
    var layers = L.control.layers(null, { "Visited countries": visited, "Visited regions": regions.layer }, { position: "topright" }).addTo(map);
    keyboardLayers(layers);

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

    // The shading needs only the visited countries' shapes, each loaded
    // once and kept; a year chosen above the map shows its countries only.
    var countries = outlinesOf(visited, visitedStyle, function (place) {
      var code = String((place && place.country) || "");
      return /^[A-Z]{2}$/.test(code) ? code : "";
    }, function (codes) {
      return load(url + "&codes=" + codes.join(",")).then(function (data) {
        return [data];
      });
    });
    var shade = function (places) {
      countries.want(places);
      return countries.load();
    };
    hook.places
      .catch(function () {
        return [];
      })
      .then(function (places) {
        // The visits app.js shows, plans aside (whib.shown).
        return shade(typeof hook.shown === "function" ? hook.shown() : places);
      })
      .then(function () {
        document.documentElement.dataset.worldReady = "true";
      })
      .catch(function () {
        document.documentElement.dataset.worldError = "true";
      });
    // A year chosen, a place added, changed or deleted (app.js).
    document.addEventListener(EVENTS.VISITS_SHOWN, function (event) {
      var places = (event.detail && event.detail.places) || [];
      shade(places).catch(function () {
        document.documentElement.dataset.worldError = "true";
      });
      regions.show(places);
    });
  }


  // keyboardLayers makes the collapsed layers control one Tab stop (the
  // map stays a few, however many layers there are) that opens on Enter
  // or Space with the keyboard on its first layer, and closes on Escape
  // (back to its button) or when the keyboard leaves it. Collapsed, it
  // also leaves a phone's small map free (the pin's "New place" label).
  function keyboardLayers(control) {
    var container = control.getContainer();
    var toggle = container.querySelector(".leaflet-control-layers-toggle");
    if (!toggle) {
      return;
    }
    toggle.setAttribute("aria-label", "Map layers: visited countries and regions");
    // Caught on the way down, before Leaflet's own Enter on the button:
    // that one ignores clicks in the list for a moment, which would lose
    // a quick Space on the first layer.
    container.addEventListener("keydown", function (event) {
      if (event.target !== toggle || (event.key !== "Enter" && event.key !== " ")) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      control.expand();
      var first = container.querySelector("input");
      if (first) {
        first.focus();
      }
    }, true);
    container.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && container.classList.contains("leaflet-control-layers-expanded")) {
        event.stopPropagation();
        control.collapse();
        toggle.focus();
      }
    });
    container.addEventListener("focusout", function (event) {
      if (!container.contains(event.relatedTarget)) {
        control.collapse();
      }
    });
  }

  var REGION_CODE = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
  // GET /regions.geojson takes at most this many codes.
  var REGIONS_PER_REQUEST = 500;

  // outlinesOf shades, in layer, the outlines of the codes (codeOf a
  // place, "" for none) of the places wanted: each outline is a layer of
  // its own, loaded once (fetchCodes: sorted codes → a promise of GeoJSON
  // feature collections whose features carry properties.code) and shown
  // while a place wanted has its code.
  function outlinesOf(layer, style, codeOf, fetchCodes) {
    var outlines = {}; // code → its outline, once loaded
    var requested = {}; // codes loaded or being loaded
    var wanted = {};
    var showWanted = function () {
      Object.keys(outlines).forEach(function (code) {
        if (wanted[code]) {
          layer.addLayer(outlines[code]);
        } else {
          layer.removeLayer(outlines[code]);
        }
      });
    };
    return {
      want: function (places) {
        wanted = {};
        (places || []).forEach(function (place) {
          var code = codeOf(place);
          if (code) {
            wanted[code] = true;
          }
        });
        showWanted();
      },
      // load fetches the wanted outlines not loaded yet.
      load: function () {
        var codes = Object.keys(wanted).filter(function (code) {
          return !requested[code];
        }).sort();
        if (codes.length === 0) {
          return Promise.resolve();
        }
        codes.forEach(function (code) {
          requested[code] = true;
        });
        return fetchCodes(codes).then(function (collections) {
          collections.forEach(function (data) {
            (data.features || []).forEach(function (feature) {
              var code = String((feature.properties && feature.properties.code) || "");
              if (!outlines[code]) {
                outlines[code] = L.geoJSON(null, { pane: "visited", interactive: false, style: style });
              }
              outlines[code].addData(feature);
            });
          });
          showWanted();
        });
      },
    };
  }

  // visitedRegions is the "Visited regions" layer. The first time it is
  // switched on it loads the outlines of the regions of the visits shown;
  // afterwards it follows what app.js shows (a year chosen, a place added,
  // changed or deleted), loading only regions not seen before.
  function visitedRegions(map, hook) {
    var style = { className: "world-region", color: "#7a3e9d", weight: 1, fillColor: "#7a3e9d", fillOpacity: 0.25 };
    var layer = L.layerGroup();
    var regions = outlinesOf(layer, style, function (place) {
      var code = String((place && place.region) || "");
      return REGION_CODE.test(code) ? code : "";
    }, function (codes) {
      var requests = [];
      for (var i = 0; i < codes.length; i += REGIONS_PER_REQUEST) {
        requests.push(load("/regions.geojson?codes=" + codes.slice(i, i + REGIONS_PER_REQUEST).join(",")));
      }
      return Promise.all(requests);
    });
    var switchedOn = false;
    map.on("overlayadd", function (event) {
      if (event.layer !== layer || switchedOn) {
        return;
      }
      switchedOn = true;
      hook.places
        .catch(function () {
          return [];
        })
        .then(function (places) {
          // The visits app.js shows, plans aside (whib.shown).
          regions.want(typeof hook.shown === "function" ? hook.shown() : places);
          return regions.load();
        })
        .then(function () {
          document.documentElement.dataset.regionsReady = "true";
        })
        .catch(function () {
          document.documentElement.dataset.regionsError = "true";
        });
    });
    return {
      layer: layer,
      show: function (places) {
        regions.want(places);
        if (switchedOn) {
          regions.load().catch(function () {
            document.documentElement.dataset.regionsError = "true";
          });
        }
      },
    };
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
