package main

import (
	"unicode"

	"golang.org/x/text/language"
)

// Alternate names are kept in the Latin script (exonyms such as Munich,
// Cracow; abbreviations such as NYC) and in the scripts of the place's own
// country (北京 in China, Москва in Russia), not in every script GeoNames
// lists (the Armenian spelling of a Bavarian village): a traveller types
// the one or the other, and the rest would double the gazetteer.
var scriptTables = map[string][]*unicode.RangeTable{
	"Hans": {unicode.Han}, "Hant": {unicode.Han},
	"Jpan": {unicode.Han, unicode.Hiragana, unicode.Katakana},
	"Kore": {unicode.Hangul, unicode.Han},
	"Cyrl": {unicode.Cyrillic}, "Grek": {unicode.Greek}, "Arab": {unicode.Arabic},
	"Hebr": {unicode.Hebrew}, "Thai": {unicode.Thai}, "Armn": {unicode.Armenian},
	"Geor": {unicode.Georgian}, "Ethi": {unicode.Ethiopic}, "Mymr": {unicode.Myanmar},
	"Khmr": {unicode.Khmer}, "Laoo": {unicode.Lao}, "Tibt": {unicode.Tibetan},
	"Thaa": {unicode.Thaana}, "Mong": {unicode.Mongolian}, "Sinh": {unicode.Sinhala},
	"Deva": {unicode.Devanagari}, "Beng": {unicode.Bengali}, "Taml": {unicode.Tamil},
	"Telu": {unicode.Telugu}, "Knda": {unicode.Kannada}, "Mlym": {unicode.Malayalam},
	"Gujr": {unicode.Gujarati}, "Guru": {unicode.Gurmukhi}, "Orya": {unicode.Oriya},
}

// moreScripts are countries whose places are written in more scripts than
// the one CLDR calls likely.
var moreScripts = map[string][]string{
	"IN": {"Deva", "Beng", "Taml", "Telu", "Knda", "Mlym", "Gujr", "Guru", "Orya"},
	"LK": {"Sinh", "Taml"}, "IL": {"Hebr", "Arab"}, "CN": {"Hans", "Tibt", "Mong"},
}

// localScripts are the scripts a country's own names are written in.
func localScripts(country string) []*unicode.RangeTable {
	tables := []*unicode.RangeTable{unicode.Latin}
	region, err := language.ParseRegion(country)
	if err != nil {
		return tables
	}
	tag, _ := language.Compose(language.Und, region)
	script, _ := tag.Script()
	for _, s := range append([]string{script.String()}, moreScripts[country]...) {
		tables = append(tables, scriptTables[s]...)
	}
	return tables
}

// inScripts tells whether every letter of name is in one of the tables.
func inScripts(name string, tables []*unicode.RangeTable) bool {
	for _, r := range name {
		if unicode.IsLetter(r) && !unicode.In(r, tables...) {
			return false
		}
	}
	return true
}
