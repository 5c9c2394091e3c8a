package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
)

type userRow struct {
	ID           int64    `db:"id"`
	Name         string   `db:"name"`
	Role         string   `db:"role"`
	PasswordHash string   `db:"password_hash"`
	Territories  string   `db:"territories"`
	Email        string   `db:"email"`
	Manager      string   `db:"manager"`
	Region       string   `db:"region"`
	Cost         float64  `db:"cost"`
	Capacity     float64  `db:"capacity"`
	Quota        float64  `db:"quota"`
	HomeLon      *float64 `db:"home_lon"`
	HomeLat      *float64 `db:"home_lat"`
	CreatedAt    string   `db:"created_at"`
}

func (r *userRow) user() (*terrane.User, error) {
	u := &terrane.User{ID: r.ID, Name: r.Name, Role: r.Role, PasswordHash: r.PasswordHash, HasPassword: r.PasswordHash != "", Email: r.Email, Manager: r.Manager, Region: r.Region,
		Cost: r.Cost, Capacity: r.Capacity, Quota: r.Quota, CreatedAt: parseStamp(r.CreatedAt)}
	if r.HomeLon != nil && r.HomeLat != nil {
		u.Home = &orb.Point{*r.HomeLon, *r.HomeLat}
	}
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
	return s.insertUser(ctx, s.db, u)
}

// execer is a database or a transaction.
type execer interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	Rebind(query string) string
}

func home(u *terrane.User) (lon, lat *float64) {
	if u.Home == nil {
		return nil, nil
	}
	return &u.Home[0], &u.Home[1]
}

func (s *Store) insertUser(ctx context.Context, db execer, u *terrane.User) error {
	terr, _ := json.Marshal(orEmpty(u.Territories))
	now := s.stamp()
	lon, lat := home(u)
	err := mapErr(db.GetContext(ctx, &u.ID, db.Rebind(`INSERT INTO users (name, role, password_hash, territories, email, manager, region, cost, capacity, quota, home_lon, home_lat, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		u.Name, u.Role, u.PasswordHash, string(terr), u.Email, u.Manager, u.Region, u.Cost, u.Capacity, u.Quota, lon, lat, now))
	if terrane.ErrorCode(err) == terrane.ECONFLICT {
		if u.Email != "" {
			return terrane.Errorf(terrane.ECONFLICT, "a user named %s or with email %s already exists", u.Name, u.Email)
		}
		return terrane.Errorf(terrane.ECONFLICT, "a user named %s already exists", u.Name)
	} else if err != nil {
		return fmt.Errorf("data: create user %s: %w", u.Name, err)
	}
	u.CreatedAt, u.HasPassword = parseStamp(now), u.PasswordHash != ""
	return nil
}

// SaveUsers creates users with ID 0 and updates the others, in one
// transaction.
func (s *Store) SaveUsers(ctx context.Context, users []*terrane.User) error {
	for _, u := range users {
		if err := u.Validate(); err != nil {
			return err
		}
	}
	ids := make([]int64, len(users))
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for i, u := range users {
			if u.ID == 0 {
				if err := s.insertUser(ctx, tx, u); err != nil {
					return err
				}
				ids[i] = u.ID
				continue
			}
			if err := updateUser(ctx, tx, u, false); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for i, u := range users {
			if ids[i] != 0 {
				u.ID = 0 // not stored after all
			}
		}
		return err
	}
	return nil
}

// updateUser writes every field of u but its name (and, unless password,
// its password hash).
func updateUser(ctx context.Context, db execer, u *terrane.User, password bool) error {
	terr, _ := json.Marshal(orEmpty(u.Territories))
	lon, lat := home(u)
	q := `UPDATE users SET role = ?, territories = ?, email = ?, manager = ?, region = ?, cost = ?, capacity = ?, quota = ?, home_lon = ?, home_lat = ?`
	args := []any{u.Role, string(terr), u.Email, u.Manager, u.Region, u.Cost, u.Capacity, u.Quota, lon, lat}
	if password {
		q += `, password_hash = ?`
		args = append(args, u.PasswordHash)
	}
	res, err := db.ExecContext(ctx, db.Rebind(q+` WHERE id = ?`), append(args, u.ID)...)
	if err = mapErr(err); terrane.ErrorCode(err) == terrane.ECONFLICT {
		return terrane.Errorf(terrane.ECONFLICT, "another user has the email %s", u.Email)
	} else if err != nil {
		return fmt.Errorf("data: update user %s: %w", u.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return terrane.Errorf(terrane.ENOTFOUND, "user %d not found", u.ID)
	}
	return nil
}

const userCols = `id, name, role, password_hash, territories, email, manager, region, cost, capacity, quota, home_lon, home_lat, created_at`

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
	if err := updateUser(ctx, s.db, u, true); err != nil {
		return nil, err
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
