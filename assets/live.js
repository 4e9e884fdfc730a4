// whib live updates: follows GET /events (Server-Sent Events) and shows the
// places someone else added, changed or deleted without a reload. On each
// change event it reads the places of the new version (GET /places?v=, the
// same filtered data a reload would show), compares them with the markers
// on the map and hands app.js the difference as a places-changed event;
// the list, the count and the summary follow, and a short notice says
// what changed. The map does not move: what the viewer is looking at stays
// in view. A change this page made itself (a writer's add) is on the map
// already, so the comparison finds nothing and nothing is shown twice.
//
// Place names are text: they reach the page through textContent only.
//
// Loaded with `defer` after events.js and app.js, on the map page and
// /embed, which set data-live-version on the map.
(function () {
  "use strict";

  var EVENTS = window.whibEvents;
  var FETCH_TIMEOUT_MS = 20000;
  // How long the notice stays; role=status has read it out by then.
  var NOTICE_MS = 10000;
  // The embed is the public map whoever looks, so it reads the places
  // without the viewer's cookie; the map page reads what its viewer may see.
  var credentials = "same-origin";

  function start(hook) {
    var mapElement = document.getElementById("map");
    var since = mapElement ? mapElement.dataset.liveVersion : "";
    if (!since || typeof window.EventSource !== "function") {
      return; // live updates are off, or the browser cannot follow them
    }
    if (document.querySelector("main.embed")) {
      credentials = "omit";
    }
    var live = { hook: hook, shown: since, wanted: null, busy: false, ready: false, notice: null, hideNotice: null };
    whenMarkersReady(function () {
      live.ready = true;
      follow(live);
    });
    // The version the page shows tells the server where to start: a
    // change made since the page was rendered comes first. On reconnects
    // the browser sends the last event's id itself.
    var source = new EventSource("/events?since=" + encodeURIComponent(since));
    source.addEventListener(EVENTS.LIVE_CHANGE, function (event) {
      var change = parseChange(event.data);
      if (change) {
        live.wanted = change;
        follow(live);
      }
    });
  }

  function parseChange(text) {
    try {
      var change = JSON.parse(text);
      return change && typeof change.version === "string" && change.version ? change : null;
    } catch (error) {
      return null;
    }
  }

  function whenMarkersReady(fn) {
    if (document.documentElement.dataset.markersReady !== undefined) {
      fn();
      return;
    }
    document.addEventListener(EVENTS.MARKERS_READY, fn, { once: true });
  }

  // follow brings the page to the newest version heard of, one fetch at a
  // time; versions heard of meanwhile are skipped for the newest.
  function follow(live) {
    var change = live.wanted;
    if (!live.ready || live.busy || !change || change.version === live.shown) {
      return;
    }
    live.busy = true;
    var url = withFilter(change.url || "/places?v=" + encodeURIComponent(change.version));
    getJSON(url)
      .then(function (places) {
        if (writing()) {
          // This page's own write is on its way (htmx): its answer puts the
          // place on the page, then the comparison finds nothing to add.
          document.addEventListener("htmx:finally:request", function () {
            setTimeout(function () {
              follow(live);
            }, 0);
          }, { once: true });
          return;
        }
        apply(live, places);
        live.shown = change.version;
        document.documentElement.dataset.liveVersion = change.version;
      })
      .catch(function () {
        // The next change tries again; the page keeps what it shows.
      })
      .then(function () {
        live.busy = false;
        if (live.wanted !== change) {
          follow(live); // a newer change came meanwhile
        }
      });
  }

  // writing reports an htmx request of this page in flight (htmx marks its
  // element with htmx-request until the answer is swapped in).
  function writing() {
    return Boolean(window.htmx && document.querySelector(".htmx-request"));
  }

  // withFilter passes the page's own filter (a year, ?visited=) on, so the
  // places read are the ones this page shows.
  function withFilter(url) {
    var visited = new URLSearchParams(window.location.search).get("visited");
    if (!visited) {
      return url;
    }
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "visited=" + encodeURIComponent(visited);
  }

  function getJSON(url) {
    var options = { headers: { Accept: "application/json" }, credentials: credentials };
    if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) {
      options.signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    }
    return fetch(url, options).then(function (response) {
      if (!response.ok) {
        throw new Error("the server answered " + response.status);
      }
      return response.json();
    });
  }

  // apply compares places with the markers shown and passes the difference
  // to app.js (markers), world.js (shading) and the list.
  function apply(live, places) {
    var shown = {};
    var visitsOf = {}; // a place's key → its visits on the map
    var keyOf = {}; // a visit's id → its place's key
    live.hook.eachVisit(function (place) {
      var key = live.hook.placeKey(place);
      visitsOf[key] = (visitsOf[key] || 0) + 1;
      if (place.id) {
        shown[place.id] = place.name;
        keyOf[place.id] = key;
      }
    });
    var seen = {};
    var added = places.filter(function (place) {
      seen[place.id] = true;
      return !Object.prototype.hasOwnProperty.call(shown, place.id);
    });
    var removed = Object.keys(shown).filter(function (id) {
      return !seen[id];
    });
    if (added.length === 0 && removed.length === 0) {
      return; // this page made the change itself, or shows it already
    }
    var removedNames = removed.map(function (id) {
      return shown[id];
    });
    // A visit to a place the list shows already, or one of several visits
    // taken away, changes an entry rather than adding or removing one: the
    // server renders the list again, as a reload would.
    var regroup = added.some(function (place) {
      return visitsOf[live.hook.placeKey(place)] > 0;
    }) || removed.some(function (id) {
      return visitsOf[keyOf[id]] > 1;
    });
    document.dispatchEvent(new CustomEvent(EVENTS.PLACES_CHANGED, { detail: { removed: removed, added: added, live: true } }));
    if (regroup) {
      reloadList();
    } else {
      updateList(removed, added);
    }
    updateTotals(placeCount(live.hook, places));
    showNotice(live, noticeText(added, removedNames));
  }

  // reloadList puts in the list of this page's address as the server
  // renders it now; on failure the count and the notice still say what
  // changed.
  function reloadList() {
    if (!document.getElementById("place-results") || !window.whibPage) {
      return;
    }
    window.whibPage.read(window.location.pathname + window.location.search)
      .then(function (page) {
        window.whibPage.adopt(page, ["place-results"]);
      })
      .catch(function () {});
  }

  // placeCount is how many places the list counts: the rows of a place
  // visited more than once are one place.
  function placeCount(hook, places) {
    var keys = {};
    places.forEach(function (place) {
      keys[hook.placeKey(place)] = true;
    });
    return Object.keys(keys).length;
  }

  // updateList takes removed places out of the list and puts added ones at
  // its end when this is the list's last page in the order added (a list
  // by country or an earlier page has no place for them; the count says).
  function updateList(removed, added) {
    removed.forEach(function (id) {
      var item = document.getElementById("place-" + id);
      if (item) {
        item.remove();
      }
    });
    var list = document.getElementById("place-list");
    if (!list || !list.hasAttribute("data-last-page")) {
      return;
    }
    added.forEach(function (place) {
      if (document.getElementById("place-" + place.id)) {
        return;
      }
      list.appendChild(listItem(place));
      if (window.htmx && document.getElementById("add-place")) {
        // A writer's entry has its edit controls: the server renders it.
        window.htmx.ajax("GET", "/places/" + encodeURIComponent(place.id) + "/item", { target: "#place-" + place.id, swap: "outerHTML" });
      }
    });
    var empty = document.getElementById("places-empty");
    if (empty && list.children.length > 0) {
      empty.remove();
    }
  }

  // listItem is a list entry as the server writes it for a visitor.
  function listItem(place) {
    var item = document.createElement("li");
    item.id = "place-" + place.id;
    item.dataset.placeId = place.id;
    var link = textElement("a", "place-name", String(place.name == null ? "" : place.name));
    link.href = "/#place=" + place.id;
    item.appendChild(link);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(textElement("span", "place-coords", hemisphere(place.latitude, "N", "S") + ", " + hemisphere(place.longitude, "E", "W")));
    if (place.country_name) {
      var country = textElement("span", "place-country", countryLabel(place));
      country.dataset.country = String(place.country || "");
      item.appendChild(document.createTextNode(" "));
      item.appendChild(country);
    }
    return item;
  }

  // hemisphere is "38.7223° N", as views.coordinates writes it.
  function hemisphere(value, positive, negative) {
    var f = Number(value);
    var rounded = Math.round(Math.abs(f) * 1e4) / 1e4;
    return rounded.toFixed(4) + "° " + (f < 0 && rounded !== 0 ? negative : positive);
  }

  // countryLabel is the country's name: no flag emoji (see app.js).
  function countryLabel(place) {
    return String(place.country_name || "");
  }

  // updateTotals sets the count at once and the summary ("12 places in 4
  // countries on 2 continents") from GET /stats, whose countries the
  // server works out.
  function updateTotals(total) {
    var count = document.getElementById("place-count");
    if (count) {
      count.textContent = String(total);
    }
    var summary = document.getElementById("places-summary");
    var credit = document.querySelector(".embed-credit a");
    if (!summary && !credit) {
      return;
    }
    getJSON(withFilter("/stats"))
      .then(function (stats) {
        var text = summaryText(stats);
        if (summary) {
          showSummary(summary, text, stats);
        }
        if (credit) {
          credit.textContent = text + " · " + (credit.parentNode.dataset.title || "");
        }
      })
      .catch(function () {
        // The count is right; the summary waits for the next change.
      });
  }

  function summaryText(stats) {
    var text = plural(stats.places, "place", "places");
    if (stats.loading || stats.places === 0) {
      return text;
    }
    return text + " in " + plural((stats.countries || []).length, "country", "countries") +
      " on " + plural((stats.continents || []).length, "continent", "continents");
  }

  // showSummary rewrites the summary's sentence and its places per
  // country, keeping the disclosure open if it was.
  function showSummary(summary, text, stats) {
    var old = summary.querySelector("details.by-country");
    var open = Boolean(old && old.open);
    var sentence = document.createElement("p");
    sentence.textContent = text;
    var parts = [sentence];
    if (!stats.loading && stats.countries && stats.countries.length > 0) {
      var details = document.createElement("details");
      details.className = "by-country";
      details.open = open;
      details.appendChild(textElement("summary", "", "By country"));
      var list = document.createElement("ul");
      stats.countries.forEach(function (c) {
        var item = document.createElement("li");
        item.dataset.country = String(c.code || "");
        item.appendChild(document.createTextNode(String(c.name || "") + " "));
        item.appendChild(textElement("span", "count", String(c.places)));
        list.appendChild(item);
      });
      details.appendChild(list);
      parts.push(details);
    }
    summary.replaceChildren.apply(summary, parts);
  }

  // noticeText says what changed: "Lisbon was added", "2 places were
  // added", "Lisbon was changed".
  function noticeText(added, removedNames) {
    if (added.length === 1 && removedNames.length === 1) {
      return String(added[0].name) + " was changed";
    }
    var parts = [];
    if (added.length === 1) {
      parts.push(String(added[0].name) + " was added");
    } else if (added.length > 1) {
      parts.push(added.length + " places were added");
    }
    if (removedNames.length === 1) {
      parts.push(String(removedNames[0]) + " was removed");
    } else if (removedNames.length > 1) {
      parts.push(removedNames.length + " places were removed");
    }
    return parts.join(" and ");
  }

  // showNotice puts the sentence under the map in a status region of its
  // own (world.js uses #map-notice for the offline map), for a while.
  function showNotice(live, text) {
    if (!live.notice) {
      live.notice = document.createElement("p");
      live.notice.id = "live-notice";
      live.notice.className = "map-notice live-notice";
      live.notice.setAttribute("role", "status");
      var anchor = document.getElementById("map-notice") || document.getElementById("map");
      anchor.insertAdjacentElement("afterend", live.notice);
    }
    live.notice.textContent = text;
    clearTimeout(live.hideNotice);
    live.hideNotice = setTimeout(function () {
      live.notice.textContent = "";
    }, NOTICE_MS);
  }

  function plural(n, one, many) {
    return n === 1 ? "1 " + one : n + " " + many;
  }

  function textElement(tag, className, text) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  if (window.whib) {
    start(window.whib);
  } else {
    document.addEventListener(EVENTS.MAP_READY, function (event) {
      start(event.detail);
    });
  }
})();
