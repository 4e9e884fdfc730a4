package formats

import (
	"bytes"
	"errors"
	"path"
	"strings"
)

// jsonKind is which JSON source a document is, told by its keys.
type jsonKind int

const (
	jsonUnknown          jsonKind = iota
	jsonGeoJSON                   // including Google's Saved Places
	jsonWhib                      // whib's own places.json, a bare array
	jsonTimelineOnDevice          // {"semanticSegments": …}
	jsonTimelineIOS               // [{"startTime", "endTime", "visit"}, …]
	jsonTimelineSemantic          // {"timelineObjects": …}, Takeout's monthly files
	jsonSwarm                     // {"items": [check-ins]}
	jsonPolarstepsTrip            // {"all_steps": …}
	jsonLocations                 // {"locations": […]}: Polarsteps' or Google's raw points
)

func kindOfJSON(s jsonShape) jsonKind {
	switch {
	case s.top == '[' && s.has("startTime", "endTime") && s.has("visit", "activity", "timelinePath", "timelineMemory"):
		return jsonTimelineIOS
	case s.top == '[':
		return jsonWhib
	case s.top != '{':
		return jsonUnknown
	case s.has("semanticSegments", "rawSignals", "userLocationProfile"):
		return jsonTimelineOnDevice
	case s.has("timelineObjects"):
		return jsonTimelineSemantic
	case s.has("all_steps"):
		return jsonPolarstepsTrip
	case s.has("items"):
		return jsonSwarm
	case s.has("locations"):
		return jsonLocations
	case s.has("type", "features"):
		return jsonGeoJSON
	}
	return jsonUnknown
}

// decodeJSONSource reads a JSON upload of any source whib knows.
func decodeJSONSource(data []byte, hint string, opts DecodeOptions) (Import, error) {
	format := "JSON"
	if hint == "GeoJSON" {
		format = "GeoJSON"
	}
	logs := visitLogs{}
	imp, err := decodeJSONEntry(format, data, logs)
	if errors.Is(err, errNoPlaces) && hint != "" && hint != "GeoJSON" && hint != "JSON" {
		return Import{}, notWhatItClaims(KindUnsupportedType, hint, "a JSON document of another kind")
	}
	if err != nil || imp.Source != "" {
		return imp, err
	}
	visits, err := logs.finish(opts)
	if err != nil {
		return Import{}, err
	}
	return visits[0], nil
}

// decodeJSONEntry reads one JSON document. The visits of Timeline, Swarm
// and Polarsteps go to logs, to be grouped into places once every file of
// an archive is read; the Import it returns for them is empty, with no
// Source.
func decodeJSONEntry(format string, data []byte, logs visitLogs) (Import, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	shape, err := checkJSON(format, data)
	if err != nil {
		return Import{}, err
	}
	switch kindOfJSON(shape) {
	case jsonGeoJSON:
		return decodeGeoJSON(data)
	case jsonWhib:
		return decodeWholePlaces(data)
	case jsonTimelineOnDevice:
		return Import{}, logs.of(SourceTimeline).addOnDevice(format, data)
	case jsonTimelineIOS:
		return Import{}, logs.of(SourceTimeline).addIOS(format, data)
	case jsonTimelineSemantic:
		return Import{}, logs.of(SourceTimeline).addSemantic(format, data)
	case jsonSwarm:
		if file := fileOf(format); file != "" && !isCheckinsFile(file) {
			break // a Swarm export's tips.json, lists.json: not visits
		}
		return Import{}, decodeSwarm(format, data, logs.of(SourceSwarm))
	case jsonPolarstepsTrip:
		return Import{}, decodePolarstepsTrip(format, data, logs.of(SourcePolarsteps))
	case jsonLocations:
		return decodeLocations(format, data)
	}
	return Import{}, newError(KindUnsupportedType, format, errNoPlaces)
}

// isCheckinsFile matches checkins.json, checkins1.json, checkins2.json…
func isCheckinsFile(name string) bool {
	return strings.HasPrefix(strings.ToLower(path.Base(name)), "checkins")
}
