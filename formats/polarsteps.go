package formats

// polarstepsTrip is a Polarsteps trip.json: the trip's steps, each a place
// with the time the traveller arrived and left in Unix seconds.
type polarstepsTrip struct {
	AllSteps []struct {
		Name        looseText `json:"name"`
		DisplayName looseText `json:"display_name"`
		Description looseText `json:"description"`
		StartTime   looseText `json:"start_time"`
		EndTime     looseText `json:"end_time"`
		Location    *struct {
			Name looseText `json:"name"`
			Lat  looseText `json:"lat"`
			Lon  looseText `json:"lon"`
		} `json:"location"`
	} `json:"all_steps"`
}

// decodePolarstepsTrip makes each step a visit, named after its location,
// its description the note. Steps at one place (within 100 m, names
// agreeing) are visits to it; the days are the place's (see dates.go), as
// the step's timezone_id would need a time zone database.
func decodePolarstepsTrip(format string, data []byte, log *visitLog) error {
	var trip polarstepsTrip
	if err := unmarshalJSON(format, data, &trip); err != nil {
		return err
	}
	for i, step := range trip.AllSteps {
		v := visit{index: i + 1, file: fileOf(format), note: string(step.Description)}
		if loc := step.Location; loc != nil {
			v.name = string(loc.Name)
			v.setPoint(string(loc.Lat), string(loc.Lon))
		}
		v.name = firstText(looseText(v.name), step.DisplayName, step.Name)
		v.start, v.end = stayDays(string(step.StartTime), string(step.EndTime), v.longitude)
		if err := log.add(format, v); err != nil {
			return err
		}
	}
	return nil
}

// decodeLocations counts the raw points of a Polarsteps locations.json or
// of Google's Records.json: a track, not places.
func decodeLocations(format string, data []byte) (Import, error) {
	var doc struct {
		Locations []struct {
			LatitudeE7 presence `json:"latitudeE7"`
		} `json:"locations"`
	}
	if err := unmarshalJSON(format, data, &doc); err != nil {
		return Import{}, err
	}
	if len(doc.Locations) > 0 && bool(doc.Locations[0].LatitudeE7) {
		return Import{Source: SourceTimeline, Skipped: Skipped{Signals: len(doc.Locations)}}, nil
	}
	return Import{Source: SourcePolarsteps, Skipped: Skipped{Points: len(doc.Locations)}}, nil
}
