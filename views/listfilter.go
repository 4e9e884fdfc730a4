package views

// MaxListQuery is the longest filter of the list (?q=), in characters.
const MaxListQuery = 100

// placeCount is how many places the list has, its filter aside.
func placeCount(m Map) int {
	if m.Query != "" {
		return m.Unfiltered
	}
	return m.Total
}

// skipToPlaces is the map page's skip link: to the list's filter box, or
// to the list when it has no places to filter.
func skipToPlaces(m Map) skipLink {
	if placeCount(m) == 0 {
		return skipLink{Href: "#places", Text: "Skip to the places"}
	}
	return skipLink{Href: "#place-filter-input", Text: "Skip to the places"}
}
