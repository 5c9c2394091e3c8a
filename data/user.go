package data

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/terrane/terrane"
)

type userRow struct {
	ID           int64   `db:"id"`
	Name         string  `db:"name"`
	Role         string  `db:"role"`
	PasswordHash string  `db:"password_hash"`
	Territories  string  `db:"territories"`
	Email        string  `db:"email"`
	Manager      string  `db:"manager"`
	Region       string  `db:"region"`
	Cost         float64 `db:"cost"`
	Capacity     float64 `db:"capacity"`
	Quota        float64 `db:"quota"`
	CreatedAt    string  `db:"created_at"`
}

func (r *userRow) user() (*terrane.User, error) {
	u := &terrane.User{ID: r.ID, Name: r.Name, Role: r.Role, PasswordHash: r.PasswordHash, Email: r.Email, Manager: r.Manager, Region: r.Region,
		Cost: r.Cost, Capacity: r.Capacity, Quota: r.Quota, CreatedAt: parseStamp(r.CreatedAt)}
	if err := json.Unmarshal([]byte(r.Territories), &u.Territories); err != nil {
		return nil, fmt.Errorf("data: user %s: territories: %w", r.Name, err)
	}
	return u, nil
}

// CreateUser stores a user and sets u.ID; ECONFLICT if the name is taken.
func (s *Store) CreateUser(ctx context.Context, u *terrane.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	terr, _ := json.Marshal(orEmpty(u.Territories))
	now := s.stamp()
	err := mapErr(s.db.GetContext(ctx, &u.ID, s.db.Rebind(`INSERT INTO users (name, role, password_hash, territories, email, manager, region, cost, capacity, quota, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		u.Name, u.Role, u.PasswordHash, string(terr), u.Email, u.Manager, u.Region, u.Cost, u.Capacity, u.Quota, now))
	if terrane.ErrorCode(err) == terrane.ECONFLICT {
		if u.Email != "" {
			return terrane.Errorf(terrane.ECONFLICT, "a user named %s or with email %s already exists", u.Name, u.Email)
		}
		return terrane.Errorf(terrane.ECONFLICT, "a user named %s already exists", u.Name)
	} else if err != nil {
		return fmt.Errorf("data: create user %s: %w", u.Name, err)
	}
	u.CreatedAt = parseStamp(now)
	return nil
}

const userCols = `id, name, role, password_hash, territories, email, manager, region, cost, capacity, quota, created_at`

func (s *Store) findUser(ctx context.Context, what, where string, arg any) (*terrane.User, error) {
	var r userRow
	err := mapErr(s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+userCols+` FROM users WHERE `+where), arg))
	if terrane.ErrorCode(err) == terrane.ENOTFOUND {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "user %s not found", what)
	} else if err != nil {
		return nil, fmt.Errorf("data: find user %s: %w", what, err)
	}
	return r.user()
}

// FindUserByID returns one user.
func (s *Store) FindUserByID(ctx context.Context, id int64) (*terrane.User, error) {
	return s.findUser(ctx, fmt.Sprint(id), "id = ?", id)
}

// FindUserByName returns one user.
func (s *Store) FindUserByName(ctx context.Context, name string) (*terrane.User, error) {
	return s.findUser(ctx, name, "name = ?", name)
}

// FindUsers returns every user, by id.
func (s *Store) FindUsers(ctx context.Context) ([]*terrane.User, error) {
	var rows []userRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+userCols+` FROM users ORDER BY id`); err != nil {
		return nil, fmt.Errorf("data: find users: %w", err)
	}
	out := make([]*terrane.User, 0, len(rows))
	for i := range rows {
		u, err := rows[i].user()
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// UpdateUser changes the fields upd sets; ENOTFOUND, EINVALID or ECONFLICT
// (the email is taken).
func (s *Store) UpdateUser(ctx context.Context, id int64, upd terrane.UserUpdate) (*terrane.User, error) {
	u, err := s.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	upd.Apply(u)
	if err := u.Validate(); err != nil {
		return nil, err
	}
	terr, _ := json.Marshal(orEmpty(u.Territories))
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE users SET role = ?, password_hash = ?, territories = ?, email = ?, manager = ?, region = ?, cost = ?, capacity = ?, quota = ? WHERE id = ?`),
		u.Role, u.PasswordHash, string(terr), u.Email, u.Manager, u.Region, u.Cost, u.Capacity, u.Quota, id)
	if err = mapErr(err); terrane.ErrorCode(err) == terrane.ECONFLICT {
		return nil, terrane.Errorf(terrane.ECONFLICT, "another user has the email %s", u.Email)
	} else if err != nil {
		return nil, fmt.Errorf("data: update user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "user %d not found", id)
	}
	return u, nil
}

// DeleteUser removes a user and their tokens.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM users WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("data: delete user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return terrane.Errorf(terrane.ENOTFOUND, "user %d not found", id)
	}
	return nil
}

// CreateToken stores a token hash for a user and sets t.ID.
func (s *Store) CreateToken(ctx context.Context, t *terrane.Token) error {
	if len(t.Hash) < 32 {
		return terrane.Errorf(terrane.EINVALID, "token hash is too short")
	}
	now := s.stamp()
	err := mapErr(s.db.GetContext(ctx, &t.ID, s.db.Rebind(`INSERT INTO tokens (user_id, hash, label, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
		t.UserID, t.Hash, t.Label, now))
	if err != nil {
		return fmt.Errorf("data: create token for user %d: %w", t.UserID, err)
	}
	t.CreatedAt = parseStamp(now)
	return nil
}

// FindUserByToken returns the owner of an unrevoked token; ENOTFOUND otherwise.
func (s *Store) FindUserByToken(ctx context.Context, hash string) (*terrane.User, error) {
	return s.findUser(ctx, "for token", `id = (SELECT user_id FROM tokens WHERE hash = ? AND revoked_at = '')`, hash)
}

// RevokeToken marks a token revoked; it stops working at once.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''`), s.stamp(), id)
	if err != nil {
		return fmt.Errorf("data: revoke token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return terrane.Errorf(terrane.ENOTFOUND, "token %d not found or already revoked", id)
	}
	return nil
}

type tokenRow struct {
	ID        int64  `db:"id"`
	UserID    int64  `db:"user_id"`
	Hash      string `db:"hash"`
	Label     string `db:"label"`
	CreatedAt string `db:"created_at"`
	RevokedAt string `db:"revoked_at"`
}

func (r *tokenRow) token() *terrane.Token {
	return &terrane.Token{ID: r.ID, UserID: r.UserID, Hash: r.Hash, Label: r.Label, CreatedAt: parseStamp(r.CreatedAt), RevokedAt: parseStampPtr(r.RevokedAt)}
}

// FindTokenByHash returns an unrevoked token; ENOTFOUND otherwise.
func (s *Store) FindTokenByHash(ctx context.Context, hash string) (*terrane.Token, error) {
	var r tokenRow
	err := mapErr(s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT id, user_id, hash, label, created_at, revoked_at FROM tokens WHERE hash = ? AND revoked_at = ''`), hash))
	if terrane.ErrorCode(err) == terrane.ENOTFOUND {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "token not found or revoked")
	} else if err != nil {
		return nil, fmt.Errorf("data: find token: %w", err)
	}
	return r.token(), nil
}

// FindTokens returns a user's unrevoked tokens, newest first.
func (s *Store) FindTokens(ctx context.Context, userID int64) ([]*terrane.Token, error) {
	var rows []tokenRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT id, user_id, '' AS hash, label, created_at, revoked_at FROM tokens WHERE user_id = ? AND revoked_at = '' ORDER BY id DESC`), userID); err != nil {
		return nil, fmt.Errorf("data: find tokens of user %d: %w", userID, err)
	}
	out := make([]*terrane.Token, len(rows))
	for i := range rows {
		out[i] = rows[i].token()
	}
	return out, nil
}
