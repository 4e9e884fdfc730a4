// Command screenshot makes the README's pictures of whib. It runs the app
// in-process on loopback with the talk's places and a development OpenID
// provider (auth/devoidc), opens the map in headless Chromium and signs in
// as a traveller through the provider's login page, twice:
//
//   - on a desktop, it starts adding a place (a click on the map, a name
//     typed, nothing sent) and saves the top 1280×800 of what she sees as
//     docs/screenshot.png;
//
//   - on a 390×844 phone, it saves the signed-in flow as a sequence:
//     docs/phone-1-map.png (the map at the top of the page),
//     docs/phone-2-adding.png (a tap on the map opened the add-place bottom
//     sheet, the name is typed) and docs/phone-3-added.png (the place is
//     sent and the form's status says it was added).
//
//     go run ./cmd/screenshot                  # offline: blank map tiles
//     go run ./cmd/screenshot -tile-url https://tile.openstreetmap.org/{z}/{x}/{y}.png
//     go run ./cmd/screenshot -out ”          # the phone pictures only
//     go run ./cmd/screenshot -phone-dir ”    # the desktop picture only
//
// It needs Chromium (apt-get install chromium).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/whib/whib/auth/devoidc"
	"github.com/whib/whib/internal/headless"
	"github.com/whib/whib/internal/whib"
)

const (
	// width×height is the picture. The page is laid out for a window
	// layoutHeight tall and the picture is the top width×height of it: the
	// map is 60vh tall, and in an 800-pixel window it pushes the add-place
	// form's coordinates and button below the picture's edge.
	width, height = 1280, 800
	layoutHeight  = 540
	// offlineTiles is a loopback address where nothing listens: the map
	// stays blank, but the browser never tries the internet.
	offlineTiles = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	// phoneWidth×phoneHeight is the phone's viewport in CSS pixels (an
	// iPhone 12 to 15); its pictures have phoneScale device pixels per CSS
	// pixel, as sharp as a phone's screen without being large files.
	phoneWidth, phoneHeight = 390, 844
	phoneScale              = 2
	// timeout bounds the whole run; it normally takes a few seconds.
	timeout = 90 * time.Second
	// stepTimeout bounds each browser step (a page load, a wait, a click).
	stepTimeout = 20 * time.Second

	audience = "https://whib.screenshot/api"
	clientID = "whib-screenshot-web"

	// The traveller in the picture and the place she is about to add.
	traveller = "Jess"
	placeName = "Dakar"
	placeLat  = 14.6928
	placeLng  = -17.4467
)

// Selectors of whib's pages (views/*.templ) and of the development
// provider's login page (auth/devoidc/login.go).
const (
	logInLink      = `.account a[href="/login"]`
	signedInAs     = ".account-name"
	logOutButton   = ".account form.logout button"
	placeForm      = "form#add-place"
	nameField      = "#place-name"
	latitudeField  = "#place-latitude"
	longitudeField = "#place-longitude"
	addPlacePanel  = ".map-layout .add-place-panel"
	sheetOpen      = "sheet-open" // the panel's class while it is a bottom sheet
	submitButton   = "#add-place-submit"
	formStatus     = "#form-status"
	providerName   = "#name"
	providerMayAdd = `input[type="checkbox"][name="may_add"]`
	providerSubmit = `main form button[type="submit"]`
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("screenshot", flag.ContinueOnError)
	flags.SetOutput(stderr)
	out := flags.String("out", filepath.Join("docs", "screenshot.png"), "where to write the desktop PNG; empty: no desktop picture")
	phoneDir := flags.String("phone-dir", "docs", "the folder for the phone PNGs ("+phoneShotNames+"); empty: no phone pictures")
	placesCSV := flags.String("places", "", "places.csv to show (a copy is used); empty: the talk's places built into the store")
	tileURL := flags.String("tile-url", offlineTiles, "map tile URL template; the default shows no tiles and needs no internet")
	if err := flags.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	dataDir, err := os.MkdirTemp("", "whib-screenshot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	csvPath := filepath.Join(dataDir, "places.csv")
	if *placesCSV != "" {
		content, err := os.ReadFile(*placesCSV)
		if err != nil {
			return err
		}
		if err := os.WriteFile(csvPath, content, 0o644); err != nil {
			return err
		}
	}

	app, err := serve(ctx, csvPath, *tileURL, logger)
	if err != nil {
		return err
	}
	defer app.stop()

	// The desktop first: the phone adds a place, the desktop only starts to.
	if *out != "" {
		png, err := capture(ctx, app)
		if err != nil {
			return err
		}
		if err := writePNG(stdout, *out, png, width, height); err != nil {
			return err
		}
	}
	if *phoneDir != "" {
		shots, err := capturePhone(ctx, app)
		if err != nil {
			return fmt.Errorf("phone: %w", err)
		}
		for _, s := range shots {
			if err := writePNG(stdout, filepath.Join(*phoneDir, s.name), s.png, phoneWidth*phoneScale, phoneHeight*phoneScale); err != nil {
				return err
			}
		}
	}
	return nil
}

// writePNG writes a picture of width×height pixels to path.
func writePNG(stdout io.Writer, path string, png []byte, width, height int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d×%d)\n", path, width, height)
	return nil
}

// app is whib and its sign-in provider, both running on loopback.
type app struct {
	url, issuer string
	stop        func()
}

// serve starts the development OpenID provider and whib, wired as
// `go run . -dev` wires them (internal/whib.Build), with places from a
// file; both listen on 127.0.0.1 only.
func serve(ctx context.Context, csvPath, tileURL string, logger *slog.Logger) (*app, error) {
	// whib listens first so the provider can be told its callback address.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	url := "http://" + listener.Addr().String()
	clientSecret := whib.RandomSecret()
	provider, err := devoidc.Start(ctx, devoidc.Options{
		Addr:                   "127.0.0.1:0",
		Audience:               audience,
		WebClientID:            clientID,
		WebClientSecret:        clientSecret,
		RedirectURIs:           []string{url + "/callback"},
		PostLogoutRedirectURIs: []string{url + "/"},
		Permission:             whib.DefaultWritePermission,
		Logger:                 logger,
	})
	if err != nil {
		listener.Close()
		return nil, fmt.Errorf("start the sign-in provider: %w", err)
	}
	fail := func(err error) (*app, error) {
		listener.Close()
		provider.Close()
		return nil, err
	}
	// A missing file is created with the store's default: the talk's places.
	env := map[string]string{
		"BASE_URL": url, "PLACES_FILE": csvPath, "TILE_URL": tileURL,
		"OIDC_ISSUER": provider.Issuer(), "AUTH0_CLIENT_ID": clientID, "AUTH0_CLIENT_SECRET": clientSecret,
		"AUTH0_AUDIENCE": audience, "SESSION_SECRET": whib.RandomSecret(),
	}
	cfg, err := whib.LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		return fail(err)
	}
	whibApp, err := whib.Build(ctx, cfg, logger, nil)
	if err != nil {
		return fail(err)
	}
	if _, err := whibApp.Live().Refresh(ctx); err != nil {
		return fail(fmt.Errorf("load places: %w", err))
	}
	go func() {
		if err := whibApp.Serve(listener); err != nil {
			logger.Error("serve", "err", err)
		}
	}()
	stop := func() {
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = whibApp.Shutdown(shutdownCtx)
		_ = provider.Close()
	}
	return &app{url: url, issuer: provider.Issuer(), stop: stop}, nil
}

// tab is a Chromium tab; every step it runs has its own deadline.
type tab struct{ ctx context.Context }

func (b tab) do(what string, steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		return fmt.Errorf("%s: %w", what, explain(err))
	}
	return nil
}

// get runs one step that returns a value (methods cannot have type parameters).
func get[T any](b tab, what string, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		return v, fmt.Errorf("%s: %w", what, explain(err))
	}
	return v, nil
}

// until waits for a JavaScript condition (a function called with args).
func (b tab) until(what, function string, args ...any) error {
	opts := []chromedp.PollOption{chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(25 * time.Millisecond)}
	if len(args) > 0 {
		opts = append(opts, chromedp.WithPollingArgs(args...))
	}
	_, err := get(b, "wait until "+what, chromedp.PollFunction[chromedp.Void](function, opts...))
	return err
}

func explain(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, chromedp.ErrPollingTimeout) {
		return fmt.Errorf("not within %s (%w)", stepTimeout, err)
	}
	return err
}

const markersReady = `() => document.documentElement.dataset.markersReady !== undefined`

// startBrowser starts headless Chromium with a window of width×height and
// one tab; closing it ends the browser and removes its profile.
func startBrowser(ctx context.Context, width, height int) (tab, func(), error) {
	execPath, err := headless.Find()
	if err != nil {
		return tab{}, nil, err
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		headless.Options(execPath, width, height, chromedp.Flag("hide-scrollbars", true))...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	closeBrowser := func() {
		cancelTab()
		cancelAlloc()
	}
	// The first action starts the browser, bound to the tab's context (a
	// step deadline here would close the browser when the step ends); the
	// run's timeout still bounds it.
	if err := chromedp.Do(tabCtx); err != nil {
		closeBrowser()
		return tab{}, nil, fmt.Errorf("start Chromium (%s): %w", execPath, err)
	}
	return tab{ctx: tabCtx}, closeBrowser, nil
}

// reducedMotion makes still pictures: no half-finished zoom animation in
// the shot.
func reducedMotion() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return err
	})
}

// capture opens the map in headless Chromium, signs in on the provider's
// page, clicks the map and types a place name, and takes the picture.
func capture(ctx context.Context, a *app) ([]byte, error) {
	b, closeBrowser, err := startBrowser(ctx, width, height)
	if err != nil {
		return nil, err
	}
	defer closeBrowser()
	if err := b.do("open the map",
		chromedp.EmulateViewport(width, layoutHeight),
		reducedMotion(),
		chromedp.Navigate(a.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(logInLink)),
	); err != nil {
		return nil, err
	}
	if err := signIn(b, a); err != nil {
		return nil, err
	}
	if err := startAddingPlace(b); err != nil {
		return nil, err
	}
	// Typing may have scrolled the form into view; the picture is the top.
	if err := scrollToTop(b); err != nil {
		return nil, err
	}
	// The top width×height of the page, beyond the layoutHeight window.
	png, err := get(b, "take the screenshot", chromedp.Action[[]byte](func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		r, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Clip:                  &page.Viewport{Width: width, Height: height, Scale: 1},
			CaptureBeyondViewport: ptr(true),
			FromSurface:           ptr(true),
		})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}))
	if err != nil {
		return nil, err
	}
	return png, nil
}

func ptr[T any](v T) *T { return &v }

// signIn goes through the real sign-in: "Log in" on the map, the provider's
// login page (name typed, "May add places" left ticked), back on the map.
func signIn(b tab, a *app) error {
	if err := b.do("click Log in",
		chromedp.Click(chromedp.CSS(logInLink), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(providerName)),
	); err != nil {
		return err
	}
	if at, err := get(b, "read the address", chromedp.Location()); err != nil {
		return err
	} else if !strings.HasPrefix(at, a.issuer+"/") {
		return fmt.Errorf("the log-in link led to %s, want the provider's login page at %s", at, a.issuer)
	}
	mayAdd, err := get(b, "look at May add places", chromedp.Evaluate[bool](
		`document.querySelector(`+jsString(providerMayAdd)+`)?.checked === true`))
	if err != nil {
		return err
	}
	if !mayAdd {
		return errors.New(`"May add places" is not ticked on the provider's login page`)
	}
	if err := b.do("sign in as "+traveller,
		chromedp.SendKeys(chromedp.CSS(providerName), traveller),
		chromedp.Click(chromedp.CSS(providerSubmit), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(signedInAs)),
		chromedp.WaitVisible(chromedp.CSS(logOutButton)),
	); err != nil {
		return err
	}
	if at, err := get(b, "read the address", chromedp.Location()); err != nil {
		return err
	} else if !strings.HasPrefix(at, a.url+"/") {
		return fmt.Errorf("after signing in the browser is at %s, want back on the map at %s", at, a.url)
	}
	header, err := get(b, "read the header", chromedp.TextContent(chromedp.CSS(signedInAs)))
	if err != nil {
		return err
	}
	if !strings.Contains(header, traveller) {
		return fmt.Errorf("the header says %q, want the name %q", strings.TrimSpace(header), traveller)
	}
	if err := b.until("the markers are on the map", markersReady); err != nil {
		return err
	}
	return b.do("see the add-place form", chromedp.WaitVisible(chromedp.CSS(placeForm)))
}

// startAddingPlace fills in the add-place form without sending it: a click
// on the map where the place is fills in its coordinates and shows the
// temporary marker, then the name is typed. When that point is not on the
// visible map, or is on a marker or a control, the coordinates are typed
// instead (the temporary marker follows typed coordinates too).
func startAddingPlace(b tab) error {
	p, err := get(b, "find "+placeName+" on the map", chromedp.Evaluate[*spot](
		fmt.Sprintf("(%s)(%g, %g)", whereOnMap, placeLat, placeLng), chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	if p != nil {
		err = b.do("click the map at "+placeName, chromedp.MouseClickXY(p.X, p.Y))
	} else {
		err = b.do("type the coordinates of "+placeName,
			chromedp.SendKeys(chromedp.CSS(latitudeField), strconv.FormatFloat(placeLat, 'f', -1, 64)),
			chromedp.SendKeys(chromedp.CSS(longitudeField), strconv.FormatFloat(placeLng, 'f', -1, 64)))
	}
	if err != nil {
		return err
	}
	if err := b.until("the coordinates are filled in and the new place's marker shows", `() =>
		document.querySelector("#place-latitude").value !== "" &&
		document.querySelector("#place-longitude").value !== "" &&
		document.querySelector("#map .draft-marker") !== null`); err != nil {
		return err
	}
	if err := b.do("type the name", chromedp.SendKeys(chromedp.CSS(nameField), placeName)); err != nil {
		return err
	}
	return b.until("the name field shows the name",
		`name => document.querySelector("#place-name").value === name`, placeName)
}

// spot is a point in the viewport, in CSS pixels.
type spot struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// whereOnMap finds the viewport point of a latitude and longitude from where
// the markers of two known places are (Web Mercator: both axes share one
// scale), or null when that point is not on the visible map, is too close to
// its edge (the temporary marker's label would be cut off) or to a marker,
// or is covered by a control.
const whereOnMap = `async (lat, lng) => {
	const map = document.getElementById("map");
	const box = map.getBoundingClientRect();
	const icons = [...map.querySelectorAll(".leaflet-marker-icon")];
	const mercator = (lat, lng) => [lng / 360, -Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)) / (2 * Math.PI)];

	const response = await fetch("/places", {headers: {Accept: "application/json"}});
	if (!response.ok) return null;
	const byName = new Map();
	for (const p of await response.json()) byName.set(p.name, byName.has(p.name) ? null : p); // duplicates: ambiguous
	const known = [];
	for (const icon of icons) {
		const p = byName.get(icon.alt);
		if (!p || icon.classList.contains("marker-cluster") || icon.classList.contains("draft-marker")) continue;
		const r = icon.getBoundingClientRect();
		known.push({m: mercator(Number(p.latitude), Number(p.longitude)), x: r.left + r.width / 2, y: r.bottom}); // the pin's tip
	}
	let pair = null;
	for (let i = 0; i < known.length; i++) {
		for (let j = i + 1; j < known.length; j++) {
			const d = Math.abs(known[i].m[0] - known[j].m[0]);
			if (d > 0 && (!pair || d > pair.d)) pair = {d, a: known[i], b: known[j]};
		}
	}
	if (!pair) return null;
	const scale = (pair.b.x - pair.a.x) / (pair.b.m[0] - pair.a.m[0]);
	const [mx, my] = mercator(lat, lng);
	const x = Math.round(pair.a.x + scale * (mx - pair.a.m[0]));
	const y = Math.round(pair.a.y + scale * (my - pair.a.m[1]));

	if (x < box.left + 60 || x > box.right - 60 || y < box.top + 80 || y > Math.min(box.bottom, window.innerHeight) - 30) return null;
	const hit = document.elementFromPoint(x, y);
	if (!hit || !map.contains(hit) || hit.closest(".leaflet-marker-icon, .leaflet-control, .leaflet-popup, .leaflet-tooltip")) return null;
	for (const icon of icons) {
		const r = icon.getBoundingClientRect();
		if (Math.hypot(x - (r.left + r.width / 2), y - (r.top + r.height / 2)) < 30) return null;
	}
	return {x, y};
}`

// jsString quotes s as a JavaScript string literal (JSON is valid
// JavaScript, and encoding/json escapes U+2028 and U+2029 too).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
