package auth

import (
	"net/http"
	"strings"
	"testing"
)

func TestParseBearer(t *testing.T) {
	long := strings.Repeat("a", MaxBearerLength)
	cases := []struct {
		header, token string
		status        int // 0: accepted
	}{
		{"Bearer abc.def.ghi", "abc.def.ghi", 0},
		{"bearer abc", "abc", 0},
		{"BEARER a-b_c~d+e/f==", "a-b_c~d+e/f==", 0},
		{"Bearer " + long, long, 0},
		{"Bearer " + long + "a", "", http.StatusBadRequest},
		{"Basic dXNlcjpwYXNz", "", http.StatusUnauthorized},
		{"Bearerabc", "", http.StatusUnauthorized},
		{"", "", http.StatusUnauthorized},
		{" Bearer abc", "", http.StatusUnauthorized},
		{"Bearer", "", http.StatusBadRequest},
		{"Bearer ", "", http.StatusBadRequest},
		{"Bearer  abc", "", http.StatusBadRequest},
		{"Bearer abc ", "", http.StatusBadRequest},
		{"Bearer abc def", "", http.StatusBadRequest},
		{"Bearer ===", "", http.StatusBadRequest},
		{"Bearer a=b", "", http.StatusBadRequest},
		{"Bearer abc\t", "", http.StatusBadRequest},
		{"Bearer ab\"c", "", http.StatusBadRequest},
		{"Bearer äbc", "", http.StatusBadRequest},
	}
	for _, tc := range cases {
		token, err := ParseBearer(tc.header)
		if tc.status == 0 {
			if err != nil || token != tc.token {
				t.Errorf("ParseBearer(%.30q) = %.30q, %v", tc.header, token, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Kind != KindInvalidRequest || e.Code != "invalid_request" || e.Status() != tc.status || token != "" {
			t.Errorf("ParseBearer(%.30q) = %q, %v; want status %d", tc.header, token, err, tc.status)
		}
	}
}

func FuzzParseBearer(f *testing.F) {
	for _, seed := range []string{"Bearer abc.def.ghi", "bearer x", "Basic abc", "Bearer", "Bearer  a", "Bearer a=", "Bearer =a"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		token, err := ParseBearer(header)
		if err != nil {
			if token != "" {
				t.Fatalf("token %q returned with error %v", token, err)
			}
			if e, ok := err.(*Error); !ok || e.Kind != KindInvalidRequest {
				t.Fatalf("error %v is not an KindInvalidRequest", err)
			}
			if len(header) > 16 && strings.Contains(err.Error(), header[7:]) {
				t.Fatalf("error %q echoes the header", err)
			}
			return
		}
		if token == "" || len(token) > MaxBearerLength || !strings.EqualFold(header[:7], "Bearer ") || header[7:] != token {
			t.Fatalf("ParseBearer(%q) accepted %q", header, token)
		}
		if !isToken68(token) || strings.ContainsAny(token, " \t\r\n\"\\,;") {
			t.Fatalf("ParseBearer(%q) accepted a token with forbidden characters", header)
		}
	})
}

func TestWWWAuthenticate(t *testing.T) {
	cases := []struct {
		err  *Error
		want string
	}{
		{tokenError("token expired", nil), `Bearer realm="whib", error="invalid_token", error_description="token expired"`},
		{requestError("the Authorization header is malformed", http.StatusBadRequest), `Bearer realm="whib", error="invalid_request", error_description="the Authorization header is malformed"`},
		{requestError("the Authorization header must use the Bearer scheme", http.StatusUnauthorized), `Bearer realm="whib"`},
		{unavailable(nil), ""},
		{tokenError("bad \"quote\"\n", nil), `Bearer realm="whib", error="invalid_token", error_description="bad quote"`},
	}
	for _, tc := range cases {
		if got := tc.err.WWWAuthenticate("whib"); got != tc.want {
			t.Errorf("WWWAuthenticate = %s, want %s", got, tc.want)
		}
	}
}
