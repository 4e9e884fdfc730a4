package formats

import (
	"slices"
	"strconv"
	"strings"
)

// Google Timeline comes in three shapes, all read here into visits:
//
//   - the on-device export of Android (Timeline.json): {"semanticSegments":
//     [{startTime, endTime, visit: {topCandidate: {placeId, semanticType,
//     placeLocation: {latLng: "48.8566°, 2.3522°"}}}}, …], "rawSignals",
//     "userLocationProfile"};
//   - the on-device export of iOS: a top-level array of the same segments,
//     with placeLocation "geo:48.856600,2.352200" and numbers as strings;
//   - Takeout's older Semantic Location History, one file a month:
//     {"timelineObjects": [{placeVisit: {location: {latitudeE7,
//     longitudeE7, placeId, name, address, semanticType}, duration:
//     {startTimestamp | startTimestampMs, …}}}, {activitySegment: …}]}.
//
// Only visits are imported: activities (journeys), timelinePath segments
// and rawSignals are counted in Skipped. Visits at one place (the same
// placeId, or within 100 m) become rows that share its name and point, one
// per stay: a day, or a range of days for visits on following days (a
// week at a hotel). The on-device exports name no place: their rows have
// no name, which a Namer can propose and the preview lets a person type.

// visitLog gathers the visits of one source, from one file or the many of
// an archive (Takeout writes a Timeline file a month, Swarm a file per
// thousand check-ins, Polarsteps a trip.json per trip), so visits at one
// place become one place whichever file they are in.
type visitLog struct {
	source  string
	visits  []visit
	skipped Skipped
}

// visitLogs are the logs of an upload, by source.
type visitLogs map[string]*visitLog

func (l visitLogs) of(source string) *visitLog {
	if l[source] == nil {
		l[source] = &visitLog{source: source}
	}
	return l[source]
}

// finish groups each source's visits into places and stays, in a fixed
// order of sources.
func (l visitLogs) finish(opts DecodeOptions) ([]Import, error) {
	var out []Import
	for _, source := range []string{SourceTimeline, SourceSwarm, SourcePolarsteps} {
		if log := l[source]; log != nil {
			imp, err := log.finish(opts)
			if err != nil {
				return nil, err
			}
			out = append(out, imp)
		}
	}
	return out, nil
}

// finish groups the visits into places and stays, by the source's rules:
// Timeline visits within 100 m are one place and visits on following days
// one stay; Swarm's venues are told by their ids, each day a visit;
// Polarsteps' steps within 100 m are one place.
func (l *visitLog) finish(opts DecodeOptions) (Import, error) {
	rules := map[string]visitRules{
		SourceTimeline:   {byDistance: true, joinNextDays: true},
		SourcePolarsteps: {byDistance: true},
	}[l.source]
	return rowsOfVisits(l.source, l.source, l.visits, rules, opts.HomeAndWork, l.skipped)
}

// timelineSegment is one element of semanticSegments, or of the iOS array;
// L is how the shape writes a place's location.
type timelineSegment[L latLngText] struct {
	StartTime    looseText         `json:"startTime"`
	EndTime      looseText         `json:"endTime"`
	Visit        *timelineVisit[L] `json:"visit"`
	Activity     presence          `json:"activity"`
	TimelinePath presence          `json:"timelinePath"`
}

type timelineVisit[L latLngText] struct {
	TopCandidate struct {
		PlaceID       looseText `json:"placeId"` // iOS: placeID, the same key to encoding/json
		SemanticType  looseText `json:"semanticType"`
		PlaceLocation L         `json:"placeLocation"`
	} `json:"topCandidate"`
}

// latLngText is a place's location as a Timeline shape writes it:
// {"latLng": "48.8566°, 2.3522°"} on Android, "geo:48.856600,2.352200" on
// iOS.
type latLngText interface {
	latLng() string
}

type androidLocation struct {
	LatLng looseText `json:"latLng"`
}

func (l androidLocation) latLng() string { return string(l.LatLng) }

type iosLocation struct{ looseText }

func (l iosLocation) latLng() string { return string(l.looseText) }

// presence notes that a key is there, whatever its value, without
// decoding it.
type presence bool

func (p *presence) UnmarshalJSON(data []byte) error {
	*p = string(data) != "null"
	return nil
}

// splitLatLng reads "48.8566°, 2.3522°" and "geo:48.8566,2.3522".
func splitLatLng(s string) (latitude, longitude string) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "geo:")
	s = strings.ReplaceAll(s, "°", "")
	lat, lon, _ := strings.Cut(s, ",")
	lon, _, _ = strings.Cut(lon, ",") // a geo: URI may add an altitude
	return strings.TrimSpace(lat), strings.TrimSpace(lon)
}

func (l *visitLog) addOnDevice(format string, data []byte) error {
	var doc struct {
		SemanticSegments []timelineSegment[androidLocation] `json:"semanticSegments"`
		RawSignals       []presence                         `json:"rawSignals"`
	}
	if err := unmarshalJSON(format, data, &doc); err != nil {
		return err
	}
	l.skipped.Signals += len(doc.RawSignals)
	return addSegments(l, format, doc.SemanticSegments)
}

func (l *visitLog) addIOS(format string, data []byte) error {
	var segments []timelineSegment[iosLocation]
	if err := unmarshalJSON(format, data, &segments); err != nil {
		return err
	}
	return addSegments(l, format, segments)
}

func addSegments[L latLngText](l *visitLog, format string, segments []timelineSegment[L]) error {
	l.visits = slices.Grow(l.visits, min(len(segments), MaxImportPlaces))
	for i, s := range segments {
		switch {
		case s.Visit != nil:
			c := s.Visit.TopCandidate
			v := visit{index: i + 1, file: fileOf(format), placeID: string(c.PlaceID), homeOrWork: isHomeOrWork(string(c.SemanticType))}
			v.setPoint(splitLatLng(c.PlaceLocation.latLng()))
			v.start, v.end = stayDays(string(s.StartTime), string(s.EndTime), v.longitude)
			if err := l.add(format, v); err != nil {
				return err
			}
		case bool(s.Activity):
			l.skipped.Activities++
		case bool(s.TimelinePath):
			l.skipped.Paths++
		}
	}
	return nil
}

// add keeps a visit unless the log already holds MaxImportPlaces: grouping
// only ever merges visits, so more could still fit, but a file of more
// visits than that is refused like any other.
func (l *visitLog) add(format string, v visit) error {
	if len(l.visits) >= MaxImportPlaces {
		return tooMany(format)
	}
	l.visits = append(l.visits, v)
	return nil
}

// fileOf is the archive entry named in an error format ("ZIP a/b.json").
func fileOf(format string) string {
	_, file, _ := strings.Cut(format, " ")
	return file
}

// isHomeOrWork spots the places Google marks as home or work, in any of the
// spellings of the three shapes (INFERRED_HOME, "Inferred Home",
// TYPE_HOME, HOME).
func isHomeOrWork(semanticType string) bool {
	t := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(semanticType), " ", "_"))
	t = strings.TrimPrefix(strings.TrimPrefix(t, "TYPE_"), "INFERRED_")
	return t == "HOME" || t == "WORK"
}

// stayDays reads a visit's start and end into the days at the place.
func stayDays(start, end, longitude string) (string, string) {
	ctx := dateAt(longitude)
	first, okFirst := normaliseVisited(start, ctx)
	last, okLast := normaliseVisited(end, ctx)
	if !okFirst || strings.Contains(first, "/") {
		first = ""
	}
	if !okLast || strings.Contains(last, "/") {
		last = ""
	}
	return first, last
}

type semanticHistory struct {
	TimelineObjects []struct {
		PlaceVisit *struct {
			Location struct {
				LatitudeE7   looseText `json:"latitudeE7"`
				LongitudeE7  looseText `json:"longitudeE7"`
				PlaceID      looseText `json:"placeId"`
				Name         looseText `json:"name"`
				Address      looseText `json:"address"`
				SemanticType looseText `json:"semanticType"`
			} `json:"location"`
			Duration struct {
				StartTimestamp   looseText `json:"startTimestamp"`
				EndTimestamp     looseText `json:"endTimestamp"`
				StartTimestampMs looseText `json:"startTimestampMs"`
				EndTimestampMs   looseText `json:"endTimestampMs"`
			} `json:"duration"`
		} `json:"placeVisit"`
		ActivitySegment presence `json:"activitySegment"`
	} `json:"timelineObjects"`
}

func (l *visitLog) addSemantic(format string, data []byte) error {
	var doc semanticHistory
	if err := unmarshalJSON(format, data, &doc); err != nil {
		return err
	}
	for i, o := range doc.TimelineObjects {
		if o.PlaceVisit == nil {
			if o.ActivitySegment {
				l.skipped.Activities++
			}
			continue
		}
		loc, d := o.PlaceVisit.Location, o.PlaceVisit.Duration
		v := visit{index: i + 1, file: fileOf(format), placeID: string(loc.PlaceID), name: firstText(loc.Name, loc.Address),
			homeOrWork: isHomeOrWork(string(loc.SemanticType))}
		v.setPoint(e7Decimal(string(loc.LatitudeE7)), e7Decimal(string(loc.LongitudeE7)))
		v.start, v.end = stayDays(firstText(d.StartTimestamp, d.StartTimestampMs), firstText(d.EndTimestamp, d.EndTimestampMs), v.longitude)
		if err := l.add(format, v); err != nil {
			return err
		}
	}
	return nil
}

// e7Decimal writes degrees × 10⁷ as the exact decimal: 488566000 is
// "48.8566". Anything but an integer is kept as written, for the report.
func e7Decimal(s string) string {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return s
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	whole, frac := n/10_000_000, n%10_000_000
	text := sign + strconv.FormatInt(whole, 10)
	if frac != 0 {
		text += "." + strings.TrimRight(strconv.FormatInt(frac+10_000_000, 10)[1:], "0")
	}
	return text
}
