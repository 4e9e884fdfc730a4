// The custom events whib's pages and scripts share, named once. The server
// sends PLACE_ADDED and PLACES_CHANGED in htmx's HX-Trigger header
// (views.PlaceAddedEvent, views.PlacesChangedEvent) and LIVE_CHANGE on its
// event stream (GET /events); the others pass between
// the scripts, and the browser tests and the benchmark wait for
// MARKERS_READY. assets/events_test.go checks that the scripts use these
// names, through this object, and no others.
//
// Loaded before every other script of ours.
window.whibEvents = Object.freeze({
  // A place was added with the form; detail: the place, as GET /places writes it.
  PLACE_ADDED: "place-added",
  // An edit, delete, undo or import; detail: {removed: [id], added: [place]},
  // and live: true when live.js found the change made elsewhere (the map
  // then stays where the viewer has it).
  PLACES_CHANGED: "places-changed",
  // app.js has put the places on the map; detail: {count}.
  MARKERS_READY: "whib:markers-ready",
  // app.js has made the map; detail: its hook for the other scripts (window.whib).
  MAP_READY: "whib:map-ready",
  // A map tile could not be loaded (world.js shows the outlines then).
  TILE_ERROR: "whib:tile-error",
  // app.js shows other visits: a year was chosen, or a place was added,
  // changed or deleted; detail: {places: the visits shown that are not
  // plans, as GET /places writes them} (world.js shades their countries).
  VISITS_SHOWN: "whib:visits-shown",
  // The server's event on GET /events (live.js listens on its EventSource):
  // the public places changed; data: {version, places, url}. The name is
  // the server's (handlers/live.go), shared with the DOM's change event.
  LIVE_CHANGE: "change",
});
