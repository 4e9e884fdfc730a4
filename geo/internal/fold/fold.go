// Package fold reduces names to the form geo compares them in. It is
// shared by geo's search and by the generator that prepares its data, so
// both agree on when two names are the same.
package fold

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// String reduces a name to the form names are compared in: lower case,
// accents dropped, every run of non-alphanumerics one space, so that
// "São Paulo", "SAO PAULO" and "sao-paulo" compare equal.
func String(s string) string { return string(Append(nil, s)) }

// Append appends the folded s to dst. It decomposes one rune at a time
// (canonical decomposition, as NFD), so that folding the half a million
// names of the gazetteer allocates nothing.
func Append(dst []byte, s string) []byte {
	start := len(dst)
	space := true // no leading space
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			dst, space = foldRune(dst, rune(c), space)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if d := norm.NFD.PropertiesString(s[i:]).Decomposition(); d != nil {
			for _, dr := range string(d) {
				dst, space = foldRune(dst, dr, space)
			}
		} else {
			dst, space = foldRune(dst, r, space)
		}
		i += size
	}
	if space && len(dst) > start {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// foldRune appends r folded: marks dropped, letters and digits in lower
// case, anything else one space (space says one was just written).
func foldRune(dst []byte, r rune, space bool) ([]byte, bool) {
	switch {
	case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
		return append(dst, byte(r)), false
	case r < utf8.RuneSelf && r >= 'A' && r <= 'Z':
		return append(dst, byte(r)+'a'-'A'), false
	case unicode.Is(unicode.Mn, r):
		return dst, space
	}
	if sub, ok := latinLetterWithoutDecomposition(r); ok {
		return append(dst, sub...), false
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return utf8.AppendRune(dst, unicode.ToLower(r)), false
	}
	if !space {
		return append(dst, ' '), true
	}
	return dst, true
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
