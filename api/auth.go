package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

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

// loginLimiter limits sign-in attempts per client address.
type loginLimiter struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	clients map[string]*rate.Limiter
}

// allow tells whether addr may try to sign in now and, when not, how long it
// has to wait before the next attempt is allowed.
func (l *loginLimiter) allow(addr string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.clients) > 10000 { // forget everyone rather than grow without bound
		l.clients = map[string]*rate.Limiter{}
	}
	lim, ok := l.clients[addr]
	if !ok {
		lim = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.clients[addr] = lim
	}
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}

func (s *Server) login(c *gin.Context) {
	if ok, wait := s.limiter.allow(c.ClientIP()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		unit := "seconds"
		if secs == 1 {
			unit = "second"
		}
		s.writeError(c, terrane.Errorf(terrane.ERATELIMIT, "too many sign-in attempts; try again in %d %s", secs, unit))
		return
	}
	var req LoginRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Name == "" || req.Password == "" {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "name and password are required"))
		return
	}
	ctx := c.Request.Context()
	u, err := s.svc.Users.FindUserByName(ctx, req.Name)
	if err != nil && terrane.ErrorCode(err) != terrane.ENOTFOUND {
		s.writeError(c, err)
		return
	}
	if u == nil || u.PasswordHash == "" || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(req.Password)) != nil {
		s.writeError(c, terrane.Errorf(terrane.EUNAUTHORIZED, "wrong name or password"))
		return
	}
	token, hash := NewToken()
	if err := s.svc.Users.CreateToken(ctx, &terrane.Token{UserID: u.ID, Hash: hash, Label: "session"}); err != nil {
		s.writeError(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: 7 * 24 * 3600})
	c.JSON(http.StatusOK, LoginResponse{Token: token, User: u})
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
		c.Set("user", u)
		c.Set("token_id", tok.ID)
		c.Next()
	}
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
