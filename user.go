package terrane

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// Roles, from most to least powerful.
const (
	RoleAdmin   = "admin"   // manages users; everything a leader does
	RoleLeader  = "leader"  // plans, approves and publishes
	RoleAnalyst = "analyst" // plans; cannot approve or publish
	RoleRep     = "rep"     // reads only their own territories in the published plan
)

// ValidRole reports whether r is one of the four roles.
func ValidRole(r string) bool {
	switch r {
	case RoleAdmin, RoleLeader, RoleAnalyst, RoleRep:
		return true
	}
	return false
}

// User is a person who signs in.
type User struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"` // unique sign-in name
	Role         string     `json:"role"`
	PasswordHash string     `json:"-"`            // bcrypt; empty = cannot sign in with a password
	HasPassword  bool       `json:"has_password"` // a password is set (PasswordHash is not empty): the user can sign in
	Territories  []string   `json:"territories"`  // territory ids a rep owns
	Email        string     `json:"email"`        // "" = none; unique when set
	Manager      string     `json:"manager"`      // the manager's name; "" = none
	Region       string     `json:"region"`       // sales region, free text; "" = none
	Cost         float64    `json:"cost"`         // fully loaded cost, dollars per year; 0 = not known
	Capacity     float64    `json:"capacity"`     // selling time, hours per year; 0 = not known
	Quota        float64    `json:"quota"`        // quota, dollars per year; 0 = none
	Home         *orb.Point `json:"home"`         // home location, lon/lat degrees; nil = not known
	CreatedAt    time.Time  `json:"created_at"`
}

// MaxUserName is the longest user name, in characters.
const MaxUserName = 100

// ValidUserName reports why name cannot be a user's name, or "" when it can:
// 1 to MaxUserName characters of any script, spaces included, none of them
// control characters, with no space at either end.
func ValidUserName(name string) string {
	switch {
	case name == "":
		return "is empty"
	case !utf8.ValidString(name):
		return "is not UTF-8"
	case utf8.RuneCountInString(name) > MaxUserName:
		return "is longer than 100 characters"
	case strings.TrimSpace(name) != name:
		return "starts or ends with a space"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "holds a control character"
	}
	return ""
}

// Validate reports the first problem with the user's fields.
func (u *User) Validate() error {
	if why := ValidUserName(u.Name); why != "" {
		return Errorf(EINVALID, "user name %q %s", u.Name, why)
	}
	if !ValidRole(u.Role) {
		return Errorf(EINVALID, "user %s: role must be admin, leader, analyst or rep, not %q", u.Name, u.Role)
	}
	if u.Email != "" && (!strings.Contains(u.Email, "@") || strings.ContainsAny(u.Email, " \t\r\n") || len(u.Email) > 254) {
		return Errorf(EINVALID, "user %s: email %q is not an address", u.Name, u.Email)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"cost", u.Cost}, {"capacity", u.Capacity}, {"quota", u.Quota}} {
		if f.v < 0 || f.v != f.v || f.v > 1e15 {
			return Errorf(EINVALID, "user %s: %s must be a finite number ≥ 0, not %v", u.Name, f.name, f.v)
		}
	}
	if h := u.Home; h != nil && !(h[0] >= -180 && h[0] <= 180 && h[1] >= -90 && h[1] <= 90) {
		return Errorf(EINVALID, "user %s: home %v is not a lon/lat in degrees", u.Name, *h)
	}
	return nil
}

// UserUpdate holds the changes to a user; a nil field is left as it is.
type UserUpdate struct {
	Role         *string
	PasswordHash *string
	Territories  *[]string
	Email        *string
	Manager      *string
	Region       *string
	Cost         *float64 // dollars per year
	Capacity     *float64 // hours per year
	Quota        *float64 // dollars per year
}

// Apply sets the fields upd holds on u.
func (upd UserUpdate) Apply(u *User) {
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.PasswordHash != nil {
		u.PasswordHash = *upd.PasswordHash
		u.HasPassword = u.PasswordHash != ""
	}
	if upd.Territories != nil {
		u.Territories = *upd.Territories
	}
	if upd.Email != nil {
		u.Email = *upd.Email
	}
	if upd.Manager != nil {
		u.Manager = *upd.Manager
	}
	if upd.Region != nil {
		u.Region = *upd.Region
	}
	if upd.Cost != nil {
		u.Cost = *upd.Cost
	}
	if upd.Capacity != nil {
		u.Capacity = *upd.Capacity
	}
	if upd.Quota != nil {
		u.Quota = *upd.Quota
	}
}

// Token is an API bearer token. Only its SHA-256 hash is stored.
type Token struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Hash      string     `json:"-"` // SHA-256 hex of the secret
	Label     string     `json:"label"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// UserService manages users and their tokens. Each method names the error
// codes it returns; any other error (the database failing) has code
// EINTERNAL.
type UserService interface {
	// CreateUser stores a user and sets u.ID and CreatedAt. EINVALID if u
	// fails Validate; ECONFLICT if the name is taken.
	CreateUser(ctx context.Context, u *User) error
	// FindUserByID returns the user. ENOTFOUND if there is none.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByName returns the user with this sign-in name. ENOTFOUND if
	// there is none.
	FindUserByName(ctx context.Context, name string) (*User, error)
	// FindUsers returns every user, ordered by id. It returns no error code
	// of its own.
	FindUsers(ctx context.Context) ([]*User, error)
	// UpdateUser changes the fields upd sets and returns the user as stored.
	// ENOTFOUND if there is none; EINVALID if the changed user fails
	// Validate; ECONFLICT if the email is taken.
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
	// SaveUsers creates the users with ID 0 (setting ID and CreatedAt) and
	// updates the others (every field but the name and the password hash),
	// all in one transaction. EINVALID if one fails Validate; ENOTFOUND if
	// one to update does not exist; ECONFLICT if a name or email is taken.
	// On any error nothing changes.
	SaveUsers(ctx context.Context, users []*User) error
	// DeleteUser removes the user and their tokens. ENOTFOUND if there is
	// none.
	DeleteUser(ctx context.Context, id int64) error
	// CreateToken stores a token for t.UserID (t.Hash, the SHA-256 hex of
	// its secret) and sets t.ID and CreatedAt. EINVALID if the hash is
	// shorter than 32 characters or the user does not exist; ECONFLICT if
	// the hash is stored already.
	CreateToken(ctx context.Context, t *Token) error
	// FindUserByToken returns the user holding an unrevoked token with this
	// hash. ENOTFOUND if no unrevoked token has it.
	FindUserByToken(ctx context.Context, hash string) (*User, error)
	// RevokeToken marks the token revoked; it stops working at once.
	// ENOTFOUND if there is no such token or it is revoked already.
	RevokeToken(ctx context.Context, id int64) error
	// FindTokenByHash returns the unrevoked token with this hash. ENOTFOUND
	// if no unrevoked token has it.
	FindTokenByHash(ctx context.Context, hash string) (*Token, error)
	// FindTokens returns a user's unrevoked tokens, newest first, with Hash
	// empty; an unknown user gives an empty list. It returns no error code of
	// its own.
	FindTokens(ctx context.Context, userID int64) ([]*Token, error)
}
