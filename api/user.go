package api

import (
	"crypto/rand"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/importer"
)

func (s *Server) listUsers(c *gin.Context) {
	users, err := s.svc.Users.FindUsers(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, UserList{Users: orEmpty(users)})
}

func (s *Server) createUser(c *gin.Context) {
	var req UserRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	u := &terrane.User{Name: req.Name, Role: req.Role, Territories: req.Territories}
	if err := u.Validate(); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Password != "" {
		h, err := HashPassword(req.Password)
		if err != nil {
			s.writeError(c, err)
			return
		}
		u.PasswordHash = h
	}
	if err := s.svc.Users.CreateUser(c.Request.Context(), u); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

// updateUser changes a user; new territories make the user their owner in
// the scenario (the baseline holding them unless one is named).
func (s *Server) updateUser(c *gin.Context) {
	id, err := idParam(c, "uid")
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req UserPatch
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	u, err := s.svc.Users.FindUserByID(ctx, id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	upd := terrane.UserUpdate{Role: req.Role, Territories: req.Territories, Email: req.Email, Manager: req.Manager,
		Region: req.Region, Cost: req.Cost, Capacity: req.Capacity, Quota: req.Quota}
	if req.Password != nil {
		h, err := HashPassword(*req.Password)
		if err != nil {
			s.writeError(c, err)
			return
		}
		upd.PasswordHash = &h
	}
	next := *u
	upd.Apply(&next)
	if err := next.Validate(); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Territories != nil {
		first := ""
		if len(*req.Territories) > 0 {
			first = (*req.Territories)[0]
		}
		sc, err := importer.OwnersScenario(ctx, s.svc.Scenarios, req.Scenario, "", first)
		if terrane.ErrorCode(err) == terrane.ENOTFOUND && first == "" && req.Scenario == 0 {
			err = nil // no baseline, and nothing to own
		} else if err == nil {
			err = importer.SetOwners(ctx, s.svc.Scenarios, sc, map[string][]string{u.Name: *req.Territories}, currentUser(c).Name)
		}
		if err != nil {
			s.writeError(c, err)
			return
		}
	}
	u, err = s.svc.Users.UpdateUser(ctx, id, upd)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func (s *Server) deleteUser(c *gin.Context) {
	id, err := idParam(c, "uid")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if id == currentUser(c).ID {
		s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "you cannot delete yourself"))
		return
	}
	if err := s.svc.Users.DeleteUser(c.Request.Context(), id); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// createToken issues an API token for the caller; the secret is shown once.
func (s *Server) createToken(c *gin.Context) {
	var req TokenRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	token, hash := NewToken()
	t := &terrane.Token{UserID: currentUser(c).ID, Hash: hash, Label: req.Label}
	if err := s.svc.Users.CreateToken(c.Request.Context(), t); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, IssuedToken{ID: t.ID, Label: t.Label, Token: token, CreatedAt: t.CreatedAt})
}

func (s *Server) listTokens(c *gin.Context) {
	ts, err := s.svc.Users.FindTokens(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, TokenList{Tokens: orEmpty(ts)})
}

// revokeToken revokes one of the caller's tokens (admins: anyone's).
func (s *Server) revokeToken(c *gin.Context) {
	id, err := idParam(c, "tid")
	if err != nil {
		s.writeError(c, err)
		return
	}
	u := currentUser(c)
	if u.Role != terrane.RoleAdmin {
		mine, err := s.svc.Users.FindTokens(c.Request.Context(), u.ID)
		if err != nil {
			s.writeError(c, err)
			return
		}
		found := false
		for _, t := range mine {
			found = found || t.ID == id
		}
		if !found {
			s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "token %d not found", id))
			return
		}
	}
	if err := s.svc.Users.RevokeToken(c.Request.Context(), id); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// NewPassword returns a fresh random password of 16 letters and digits,
// for a person to sign in with once and change.
func NewPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("api: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}
