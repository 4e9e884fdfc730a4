package geo

import (
	"slices"
	"strconv"
	"strings"
)

// unMembers are the 193 member states of the United Nations and its two
// observer states (the Holy See, Palestine), by ISO 3166-1 alpha-2 code:
// the list "N of 195 countries" counts. Places elsewhere (territories such
// as Puerto Rico or Greenland, and Taiwan and Kosovo) are counted apart.
const unMembers = "AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ " +
	"CA CD CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR " +
	"GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI " +
	"KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV " +
	"MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW SA SB SC " +
	"SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TZ UA UG US UY " +
	"UZ VC VE VN VU WS YE ZA ZM ZW " +
	"PS VA" // observers

// WorldList is the world's checklist: how many of the UN's member and
// observer states have places, and the places elsewhere.
type WorldList struct {
	Visited int `json:"visited"`
	Total   int `json:"total"`
	// List names what Total counts.
	List string `json:"list"`
	// Elsewhere are the visited countries and territories outside the
	// list (Puerto Rico, Greenland, Taiwan, Kosovo…), most places first.
	Elsewhere []Count `json:"elsewhere"`
}

// Summary is "12 of 195 countries".
func (w WorldList) Summary() string {
	return itoa(w.Visited) + " of " + itoa(w.Total) + " countries"
}

func worldList(countries []Count) WorldList {
	members := strings.Fields(unMembers)
	w := WorldList{Total: len(members), List: "UN member and observer states", Elsewhere: []Count{}}
	for _, c := range countries {
		if slices.Contains(members, c.Code) {
			w.Visited++
		} else {
			w.Elsewhere = append(w.Elsewhere, c)
		}
	}
	return w
}

func itoa(n int) string { return strconv.Itoa(n) }
