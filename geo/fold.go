package geo

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold reduces a name to the form names are compared in: lower case,
// accents dropped, every run of non-alphanumerics one space, so that
// "São Paulo", "SAO PAULO" and "sao-paulo" compare equal.
func fold(s string) string { return string(appendFold(nil, s)) }

func appendFold(dst []byte, s string) []byte {
	if !isASCII(s) {
		s = norm.NFD.String(s)
	}
	start := len(dst)
	space := true // no leading space
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if sub, ok := latinLetterWithoutDecomposition(r); ok {
			dst, space = append(dst, sub...), false
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			dst, space = utf8.AppendRune(dst, unicode.ToLower(r)), false
			continue
		}
		if !space {
			dst, space = append(dst, ' '), true
		}
	}
	if space && len(dst) > start {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// latinLetterWithoutDecomposition covers the letters that NFD leaves whole
// but that people type without their stroke or ligature ("Łódź" → "lodz").
func latinLetterWithoutDecomposition(r rune) (string, bool) {
	switch r {
	case 'ß':
		return "ss", true
	case 'ø', 'Ø':
		return "o", true
	case 'ł', 'Ł':
		return "l", true
	case 'æ', 'Æ':
		return "ae", true
	case 'œ', 'Œ':
		return "oe", true
	case 'đ', 'Đ', 'ð', 'Ð':
		return "d", true
	case 'þ', 'Þ':
		return "th", true
	case 'ħ', 'Ħ':
		return "h", true
	case 'ı':
		return "i", true
	}
	return "", false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
