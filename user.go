package terrane

import (
	"context"
	"regexp"
	"time"
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
	ID           int64     `json:"id"`
	Name         string    `json:"name"` // unique sign-in name
	Role         string    `json:"role"`
	PasswordHash string    `json:"-"`           // bcrypt; empty = cannot sign in with a password
	Territories  []string  `json:"territories"` // territory ids a rep owns
	CreatedAt    time.Time `json:"created_at"`
}

var userNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// Validate reports the first problem with the user's fields.
func (u *User) Validate() error {
	if !userNamePattern.MatchString(u.Name) {
		return Errorf(EINVALID, "user name %q: must be 1-64 letters, digits, '.', '_', '@' or '-'", u.Name)
	}
	if !ValidRole(u.Role) {
		return Errorf(EINVALID, "user %s: role must be admin, leader, analyst or rep, not %q", u.Name, u.Role)
	}
	return nil
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
