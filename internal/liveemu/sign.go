package liveemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The signature V4 check is written from the algorithm, not by calling the
// SDK's signer: a verifier that shares the client's code would accept the
// client's mistakes. sdk_compat_test.go proves the SDK's requests verify.

const (
	signAlgorithm  = "HMAC-SHA256"
	xDateLayout    = "20060102T150405Z"
	maxClockSkew   = 15 * time.Minute
	signingService = "live"
)

// authorization is the parsed Authorization header:
// `HMAC-SHA256 Credential=<AK>/<date>/<region>/<service>/request,
// SignedHeaders=<a;b;c>, Signature=<hex>`.
type authorization struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

func (a authorization) scope() string {
	return strings.Join([]string{a.date, a.region, a.service, "request"}, "/")
}

func parseAuthorization(header string) (authorization, error) {
	var a authorization
	if header == "" {
		return a, errors.New("the Authorization header is missing")
	}
	rest, ok := strings.CutPrefix(header, signAlgorithm+" ")
	if !ok {
		return a, fmt.Errorf("the Authorization header must start with %q", signAlgorithm)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, fmt.Errorf("the Authorization header has a malformed part %q", part)
		}
		fields[k] = v
	}
	cred := strings.Split(fields["Credential"], "/")
	if len(cred) != 5 || cred[0] == "" || len(cred[1]) != 8 || cred[2] == "" || cred[3] == "" || cred[4] != "request" {
		return a, errors.New("the Authorization header's Credential must be <AccessKey>/<YYYYMMDD>/<region>/<service>/request")
	}
	a.accessKey, a.date, a.region, a.service = cred[0], cred[1], cred[2], cred[3]
	if fields["SignedHeaders"] == "" {
		return a, errors.New("the Authorization header's SignedHeaders is missing")
	}
	a.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	if a.signature = fields["Signature"]; a.signature == "" {
		return a, errors.New("the Authorization header's Signature is missing")
	}
	return a, nil
}

// accessKeyOf extracts the access key for the request log, whatever the
// rest of the header holds.
func accessKeyOf(header string) string {
	_, cred, ok := strings.Cut(header, "Credential=")
	if !ok {
		return ""
	}
	ak, _, _ := strings.Cut(cred, "/")
	return ak
}

// authenticate verifies the request's signature and returns the account that
// signed it.
func (s *Server) authenticate(r *http.Request, body []byte) (Account, error) {
	auth, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return Account{}, newError("MissingRequestInfo", err.Error())
	}
	xDate := r.Header.Get("X-Date")
	signedAt, err := time.Parse(xDateLayout, xDate)
	if err != nil {
		return Account{}, newError("MissingRequestInfo", "the X-Date header is missing or not in the form YYYYMMDD'T'HHMMSS'Z'")
	}
	claimedBodyHash := r.Header.Get("X-Content-Sha256")
	if claimedBodyHash == "" {
		return Account{}, newError("MissingRequestInfo", "the X-Content-Sha256 header is missing")
	}
	acct, ok := s.accountByAccessKey(auth.accessKey)
	if !ok {
		return Account{}, newError("InvalidAccessKey", fmt.Sprintf("the access key %q does not exist", auth.accessKey))
	}
	if acct.SessionToken != "" && r.Header.Get("X-Security-Token") != acct.SessionToken {
		return Account{}, newError("InvalidAccessKey", "the X-Security-Token header is missing or does not belong to the access key")
	}
	if skew := s.now().Sub(signedAt); skew > maxClockSkew || skew < -maxClockSkew {
		return Account{}, newError("InvalidTimestamp",
			fmt.Sprintf("X-Date %s is more than %s away from the server time %s", xDate, maxClockSkew, s.now().UTC().Format(xDateLayout)))
	}
	bodyHash := sha256Hex(body)
	if !strings.EqualFold(claimedBodyHash, bodyHash) {
		return Account{}, newError("SignatureDoesNotMatch", "X-Content-Sha256 does not match the SHA-256 of the request body")
	}
	if auth.date != xDate[:8] {
		return Account{}, newError("SignatureDoesNotMatch", "the Credential date differs from the X-Date header's date")
	}
	if auth.region != s.region {
		return Account{}, newError("SignatureDoesNotMatch",
			fmt.Sprintf("the region of the credential scope is wrong: the request is signed for %q, this endpoint expects %q", auth.region, s.region))
	}
	if auth.service != signingService {
		return Account{}, newError("SignatureDoesNotMatch", fmt.Sprintf("the Credential names service %q, expected %q", auth.service, signingService))
	}
	want := signature(acct.SecretKey, auth, xDate, canonicalRequest(r, auth.signedHeaders, bodyHash))
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(auth.signature))) {
		return Account{}, newError("SignatureDoesNotMatch",
			"the request signature does not match the one computed with the access key's secret key; check the secret key and the signing method")
	}
	return acct, nil
}

func (s *Server) accountByAccessKey(ak string) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byAccessKey[ak]
	if !ok {
		return Account{}, false
	}
	return *s.accounts[id], true
}

// canonicalRequest is method, path, query, the signed headers as name:value
// lines, the signed header list and the body hash, one per line.
func canonicalRequest(r *http.Request, signedHeaders []string, bodyHash string) string {
	var headers strings.Builder
	for _, name := range signedHeaders {
		headers.WriteString(name + ":" + canonicalHeaderValue(r, name) + "\n")
	}
	return strings.Join([]string{
		r.Method,
		canonicalPath(r.URL.Path),
		canonicalQuery(r.URL.RawQuery),
		headers.String(),
		strings.Join(signedHeaders, ";"),
		bodyHash,
	}, "\n")
}

// canonicalHeaderValue is the header's first value, trimmed. Host comes from
// the request line and loses a default port, as clients sign it without one.
func canonicalHeaderValue(r *http.Request, name string) string {
	if name == "host" {
		host, port, _ := strings.Cut(r.Host, ":")
		if port == "80" || port == "443" {
			return host
		}
		return r.Host
	}
	return strings.TrimSpace(r.Header.Get(name))
}

func canonicalPath(p string) string {
	if p == "" {
		return "/"
	}
	return escape(p, true)
}

// canonicalQuery sorts parameters by name (keeping the order of a name's
// values) and percent-encodes everything but the unreserved characters.
func canonicalQuery(raw string) string {
	values, _ := url.ParseQuery(raw)
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	var pairs []string
	for _, name := range names {
		for _, v := range values[name] {
			pairs = append(pairs, escape(name, false)+"="+escape(v, false))
		}
	}
	return strings.Join(pairs, "&")
}

func escape(s string, keepSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', keepSlash && c == '/':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// signature derives the signing key from the secret key and the credential
// scope, then signs the string to sign.
func signature(secretKey string, auth authorization, xDate, canonical string) string {
	key := []byte(secretKey)
	for _, part := range []string{auth.date, auth.region, auth.service, "request"} {
		key = hmacSHA256(key, part)
	}
	stringToSign := strings.Join([]string{signAlgorithm, xDate, auth.scope(), sha256Hex([]byte(canonical))}, "\n")
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(data))
	return mac.Sum(nil)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
