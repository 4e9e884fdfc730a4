package fold

import "testing"

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"São Paulo":      "sao paulo",
		"SÃO-PAULO":      "sao paulo",
		"Łódź":           "lodz",
		"Straße":         "strasse",
		"  L'Aquila!  ":  "l aquila",
		"Ærøskøbing":     "aeroskobing",
		"İstanbul":       "istanbul",
		"Zürich (Kreis)": "zurich kreis",
		"München":        "munchen",
		"北京":             "北京",
		"Москва":         "москва",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
