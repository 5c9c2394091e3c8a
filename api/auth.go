package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/terrane/terrane"
)

// SessionCookie is the cookie the web app signs in with.
const SessionCookie = "terrane_session"

// NewToken returns a fresh random API token and the hash the store keeps.
func NewToken() (token, hash string) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("api: no randomness: " + err.Error())
	}
	token = "trn_" + hex.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken is the SHA-256 hex of a token: what the store keeps and looks up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// HashPassword returns the bcrypt hash of a password of at least 8 characters.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", terrane.Errorf(terrane.EINVALID, "password must be at least 8 characters")
	}
	if len(password) > 72 {
		return "", terrane.Errorf(terrane.EINVALID, "password must be at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(h), err
}

// dummyHash is compared with the given password when the name is unknown,
// so that a wrong name costs as long as a wrong password: timing does not
// tell which names exist.
var dummyHash = func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("terrane-no-such-user"), bcrypt.DefaultCost)
	if err != nil {
		panic("api: bcrypt: " + err.Error())
	}
	return h
}()

// comparePassword is bcrypt's comparison; a variable so that a test can
// count the comparisons a sign-in makes instead of timing it.
var comparePassword = bcrypt.CompareHashAndPassword

// waitText is "N seconds" for a wait, rounded up.
func waitText(wait time.Duration) (int, string) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	if secs == 1 {
		return secs, "1 second"
	}
	return secs, strconv.Itoa(secs) + " seconds"
}

func (s *Server) login(c *gin.Context) {
	var req LoginRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Name == "" || req.Password == "" {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "name and password are required"))
		return
	}
	if len(req.Name) > s.cfg.MaxNameLength {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "field name is longer than %d bytes", s.cfg.MaxNameLength))
		return
	}
	client := c.ClientIP()
	if r := s.limiter.check(client, req.Name); r != nil {
		secs, text := waitText(r.wait)
		c.Header("Retry-After", strconv.Itoa(secs))
		if r.account {
			s.writeError(c, terrane.Errorf(terrane.ERATELIMIT, "account %q is locked after repeated wrong passwords; try again in %s", req.Name, text))
		} else {
			s.writeError(c, terrane.Errorf(terrane.ERATELIMIT, "too many sign-in attempts; try again in %s", text))
		}
		return
	}
	ctx := c.Request.Context()
	u, err := s.svc.Users.FindUserByName(ctx, req.Name)
	if err != nil && terrane.ErrorCode(err) != terrane.ENOTFOUND {
		s.writeError(c, err)
		return
	}
	hash := dummyHash
	if u != nil && u.PasswordHash != "" {
		hash = []byte(u.PasswordHash)
	}
	if comparePassword(hash, []byte(req.Password)) != nil || u == nil || u.PasswordHash == "" {
		s.limiter.fail(client, req.Name)
		s.writeError(c, terrane.Errorf(terrane.EUNAUTHORIZED, "wrong name or password"))
		return
	}
	s.limiter.succeed(req.Name)
	token, err := s.newSession(c, u.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, LoginResponse{Token: token, User: u})
}

// sessionLabel is the label of the tokens sign-in creates; they expire after
// Config.SessionLifetime and are rotated half-way.
const sessionLabel = "session"

// newSession creates a session token for the user and sets the cookie.
func (s *Server) newSession(c *gin.Context, userID int64) (string, error) {
	token, hash := NewToken()
	if err := s.svc.Users.CreateToken(c.Request.Context(), &terrane.Token{UserID: userID, Hash: hash, Label: sessionLabel}); err != nil {
		return "", err
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.overTLS(c),
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.cfg.SessionLifetime / time.Second)})
	return token, nil
}

// overTLS tells whether the request came over TLS, directly or through a
// trusted proxy that says so in X-Forwarded-Proto.
func (s *Server) overTLS(c *gin.Context) bool {
	if c.Request.TLS != nil {
		return true
	}
	return s.trustedPeer(c) && strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https")
}

// trustedPeer tells whether the request's direct peer is a trusted proxy.
func (s *Server) trustedPeer(c *gin.Context) bool {
	host, _, err := net.SplitHostPort(strings.TrimSpace(c.Request.RemoteAddr))
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range s.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func (s *Server) logout(c *gin.Context) {
	id, _ := c.Get("token_id")
	if tid, ok := id.(int64); ok && tid != 0 {
		if err := s.svc.Users.RevokeToken(c.Request.Context(), tid); err != nil && terrane.ErrorCode(err) != terrane.ENOTFOUND {
			s.writeError(c, err)
			return
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1})
	c.Status(http.StatusNoContent)
}

// bearer extracts the caller's token from the Authorization header or the
// session cookie.
func bearer(c *gin.Context) string {
	if h := c.GetHeader("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		return ""
	}
	if ck, err := c.Cookie(SessionCookie); err == nil {
		return ck
	}
	return ""
}

// authenticate requires a valid token and puts the user in the context.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		token := bearer(c)
		if token == "" {
			s.writeError(c, terrane.Errorf(terrane.EUNAUTHORIZED, "sign in first: send Authorization: Bearer <token>"))
			return
		}
		ctx := c.Request.Context()
		tok, err := s.svc.Users.FindTokenByHash(ctx, HashToken(token))
		var u *terrane.User
		if err == nil {
			u, err = s.svc.Users.FindUserByID(ctx, tok.UserID)
		}
		if terrane.ErrorCode(err) == terrane.ENOTFOUND {
			s.writeError(c, terrane.Errorf(terrane.EUNAUTHORIZED, "the token is unknown or revoked"))
			return
		} else if err != nil {
			s.writeError(c, err)
			return
		}
		if tok.Label != sessionLabel && s.cfg.TokenLifetime > 0 && time.Since(tok.CreatedAt) > s.cfg.TokenLifetime {
			_ = s.svc.Users.RevokeToken(ctx, tok.ID)
			s.writeError(c, terrane.Errorf(terrane.EUNAUTHORIZED, "the API token expired %s after it was issued (%s); issue a new one with POST /api/v1/tokens",
				s.cfg.TokenLifetime, tok.CreatedAt.UTC().Format(time.DateOnly)))
			return
		}
		if tok.Label == sessionLabel && s.cfg.SessionLifetime > 0 {
			age := time.Since(tok.CreatedAt)
			if age > s.cfg.SessionLifetime {
				_ = s.svc.Users.RevokeToken(ctx, tok.ID)
				s.writeError(c, terrane.Errorf(terrane.EUNAUTHORIZED, "the session has expired; sign in again"))
				return
			}
			if _, err := c.Cookie(SessionCookie); err == nil && age > s.cfg.SessionLifetime/2 {
				// Rotate: a new cookie. The old session is left to expire
				// at its own time, so that requests the browser already
				// sent with it do not fail.
				if _, err := s.newSession(c, u.ID); err != nil {
					s.writeError(c, err)
					return
				}
			}
		}
		if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead && c.GetHeader("Authorization") == "" {
			if err := s.checkOrigin(c); err != nil {
				s.writeError(c, err)
				return
			}
		}
		c.Set("user", u)
		c.Set("token_id", tok.ID)
		c.Next()
	}
}

// checkOrigin refuses a cookie-authenticated write whose Origin (or, without
// one, Referer) is another site: cross-site request forgery, should SameSite
// not stop it.
func (s *Server) checkOrigin(c *gin.Context) error {
	origin := c.GetHeader("Origin")
	if origin == "" {
		origin = c.GetHeader("Referer")
	}
	if origin == "" {
		return nil // not a browser, or a same-origin request of an old one
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, c.Request.Host) {
		return terrane.Errorf(terrane.EFORBIDDEN, "a cookie-authenticated write must come from this site, not %q", origin)
	}
	return nil
}

// authenticateIfSent authenticates a caller that sends a token, like
// authenticate, and lets one that sends none through anonymously: the
// handler then decides what an anonymous caller may see.
func (s *Server) authenticateIfSent() gin.HandlerFunc {
	auth := s.authenticate()
	return func(c *gin.Context) {
		if bearer(c) == "" && c.GetHeader("Authorization") == "" {
			c.Next()
			return
		}
		auth(c)
	}
}

// isSignedIn tells whether the caller is signed in.
func isSignedIn(c *gin.Context) bool {
	_, ok := c.Get("user")
	return ok
}

// publicLayers are the layers anyone may draw without signing in: the
// built-in census geography, public data. Every other layer (imported ones,
// the world) needs a signed-in caller.
var publicLayers = map[string]bool{"us-counties": true, "us-states": true, "us-zips": true}

// requireLayerReader refuses an anonymous caller a layer that is not public.
func requireLayerReader(c *gin.Context, layer string) error {
	if isSignedIn(c) || publicLayers[layer] {
		return nil
	}
	return terrane.Errorf(terrane.EUNAUTHORIZED, "layer %s is not public: sign in first", layer)
}

// currentUser is the signed-in user; authenticate guarantees one.
func currentUser(c *gin.Context) *terrane.User {
	u, _ := c.Get("user")
	return u.(*terrane.User)
}

// allow lets only the given roles through; others get 403.
func (s *Server) allow(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := currentUser(c)
		for _, r := range roles {
			if u.Role == r {
				c.Next()
				return
			}
		}
		s.writeError(c, terrane.Errorf(terrane.EFORBIDDEN, "a %s may not %s %s", u.Role, strings.ToLower(c.Request.Method), c.FullPath()))
	}
}

func (s *Server) me(c *gin.Context) { c.JSON(http.StatusOK, currentUser(c)) }
