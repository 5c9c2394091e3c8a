package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
)

// OwnersScenario returns the scenario whose territories reps own: the
// scenario id when it is not 0, else the baseline of layer (any layer when
// layer is ""). With several baselines to choose from it takes the one
// holding territory want (when want is not ""). ENOTFOUND if there is no
// such scenario; EINVALID if the choice is ambiguous.
func OwnersScenario(ctx context.Context, s terrane.ScenarioService, id int64, layer, want string) (*terrane.Scenario, error) {
	if id != 0 {
		return s.FindScenarioByID(ctx, id)
	}
	all, err := s.FindScenarios(ctx, terrane.ScenarioFilter{Layer: layer})
	if err != nil {
		return nil, err
	}
	var baselines []*terrane.Scenario
	for _, sc := range all {
		if sc.Baseline {
			baselines = append(baselines, sc)
		}
	}
	if len(baselines) > 1 && want != "" {
		var holding []*terrane.Scenario
		for _, sc := range baselines {
			ts, err := s.FindTerritories(ctx, sc.ID)
			if err != nil {
				return nil, err
			}
			if slices.ContainsFunc(ts, func(t *terrane.Territory) bool { return t.ID == want }) {
				holding = append(holding, sc)
			}
		}
		if len(holding) == 1 {
			return holding[0], nil
		}
		if len(holding) == 0 {
			return nil, terrane.Errorf(terrane.EINVALID, "unknown territory %s: in none of the %d baseline scenarios; give a scenario", quote(want), len(baselines))
		}
	}
	where := "any layer"
	if layer != "" {
		where = "layer " + layer
	}
	switch len(baselines) {
	case 0:
		return nil, terrane.Errorf(terrane.ENOTFOUND, "no baseline scenario on %s; give a scenario", where)
	case 1:
		return baselines[0], nil
	}
	return nil, terrane.Errorf(terrane.EINVALID, "%d baseline scenarios on %s; give a scenario", len(baselines), where)
}

// SetOwners makes each rep named in owners (rep name → territory ids) an
// owner of exactly those territories of scenario sc, and of no other, in
// one ReplaceTerritories audited by actor. Owners not named keep their
// territories. EINVALID, naming the id, if a territory is not in the
// scenario; ECONFLICT if the scenario is published.
func SetOwners(ctx context.Context, s terrane.ScenarioService, sc *terrane.Scenario, owners map[string][]string, actor string) error {
	ts, err := s.FindTerritories(ctx, sc.ID)
	if err != nil {
		return err
	}
	byID := map[string]*terrane.Territory{}
	for _, t := range ts {
		byID[t.ID] = t
	}
	for name, ids := range owners {
		for _, id := range ids {
			if byID[id] == nil {
				return terrane.Errorf(terrane.EINVALID, "territory %s of %s: not in scenario %d (%s)", quote(id), name, sc.ID, sc.Name)
			}
		}
	}
	changed := false
	for _, t := range ts {
		var kept []string
		for _, o := range t.Owners {
			if _, named := owners[o]; !named {
				kept = append(kept, o)
			}
		}
		for name, ids := range owners {
			if slices.Contains(ids, t.ID) {
				kept = append(kept, name)
			}
		}
		slices.Sort(kept)
		kept = slices.Compact(kept)
		if !slices.Equal(kept, t.Owners) {
			t.Owners, changed = orNone(kept), true
		}
	}
	if !changed {
		return nil
	}
	assignments, err := s.FindAssignments(ctx, sc.ID)
	if err != nil {
		return err
	}
	if err := s.ReplaceTerritories(ctx, sc.ID, ts, assignments, actor); err != nil {
		return fmt.Errorf("owners of scenario %d: %w", sc.ID, err)
	}
	return nil
}

func orNone(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// KindReps is a CSV of people: sales reps and the others who plan with them.
const KindReps = "reps"

func init() {
	allowed[KindReps] = []string{"name", "email", "role", "territory", "manager", "region", "postal_code", "lon", "lat", "cost", "capacity", "quota", "delimiter", "skip_invalid"}
}

// repsPlan is a validated reps file: the users to save (new ones with ID 0)
// and, when the file has a territory column, the territories each owns.
type repsPlan struct {
	users   []*terrane.User
	owners  map[string][]string // user name → territory ids; nil without a territory column
	rows    int
	created int
	updated int
}

// parseReps reads and validates a reps CSV against the stored users and the
// territory ids of the owners' scenario (nil when there is none).
func parseReps(data []byte, opts Options, existing []*terrane.User, territories map[string]bool, scenario string, zipsFn func() (*zipTables, error)) (*repsPlan, error) {
	p := opts.newProblems(KindReps, "csv")
	t, err := newTable(data, opts.option("delimiter", ""), p)
	if err != nil || t == nil {
		return nil, firstErr(err, p.err())
	}
	iName := t.column(opts, "name", true, "rep", "rep_name", "full_name", "user")
	iEmail := t.column(opts, "email", false, "e_mail", "email_address")
	iRole := t.column(opts, "role", false)
	iTerr := t.column(opts, "territory", false, "territories", "territory_id", "territory_ids")
	iManager := t.column(opts, "manager", false, "manager_name", "reports_to")
	iRegion := t.column(opts, "region", false)
	iZip := t.column(opts, "postal_code", false, "zip", "zip_code", "postcode", "home_zip")
	iLon := t.column(opts, "lon", false, "lng", "longitude")
	iLat := t.column(opts, "lat", false, "latitude")
	nums := map[string]int{}
	for _, k := range []string{"cost", "capacity", "quota"} {
		nums[k] = t.column(opts, k, false)
	}
	if (iLon < 0) != (iLat < 0) {
		p.add(1, "", "lon/lat", "give both lon and lat columns, or neither")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if iTerr >= 0 && territories == nil {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "the file names territories but layer %s has no baseline scenario; give a scenario", opts.Layer)
	}
	byName, byEmail := map[string]*terrane.User{}, map[string]*terrane.User{}
	for _, u := range existing {
		byName[u.Name] = u
		if u.Email != "" {
			byEmail[strings.ToLower(u.Email)] = u
		}
	}
	plan := &repsPlan{}
	if iTerr >= 0 {
		plan.owners = map[string][]string{}
	}
	lineOfName, lineOfEmail := map[string]int{}, map[string]int{}
	var z *zipTables
	for rec := t.next(); rec != nil; rec = t.next() {
		line := t.row
		name := get(rec, iName)
		before := p.errs.Total() + len(p.skipped)
		bad := func(field, format string, args ...any) { p.add(line, name, field, format, args...) }
		if why := terrane.ValidUserName(name); why != "" {
			bad(t.header[iName], "name %s %s", quote(name), why)
			continue
		}
		if l := lineOfName[name]; l != 0 {
			bad(t.header[iName], "%s appears twice (also line %d)", quote(name), l)
			continue
		}
		lineOfName[name] = line
		email := strings.ToLower(get(rec, iEmail))
		if email != "" {
			if l := lineOfEmail[email]; l != 0 {
				bad(t.header[iEmail], "email %s appears twice (also line %d)", quote(email), l)
				continue
			}
			lineOfEmail[email] = line
		}
		// The key is the email, else the name.
		var u *terrane.User
		if email != "" && byEmail[email] != nil {
			u = byEmail[email]
			if u.Name != name {
				bad(t.header[iEmail], "email %s belongs to user %s; an import does not rename users", quote(email), quote(u.Name))
				continue
			}
		} else if byName[name] != nil {
			u = byName[name]
		}
		next := &terrane.User{Name: name, Role: terrane.RoleRep, Territories: []string{}}
		if u != nil {
			if u.Role == terrane.RoleAdmin {
				bad(t.header[iName], "%s is an admin; change admins with terrane users or PATCH /api/v1/users", quote(name))
				continue
			}
			cp := *u
			next = &cp
		}
		if role := strings.ToLower(get(rec, iRole)); role != "" {
			switch role {
			case terrane.RoleRep, terrane.RoleAnalyst, terrane.RoleLeader:
				next.Role = role
			case terrane.RoleAdmin:
				bad(t.header[iRole], "an import cannot make admins; use terrane users add")
			default:
				bad(t.header[iRole], "role %s: must be rep, analyst or leader", quote(role))
			}
		}
		if email != "" {
			next.Email = email
		}
		if v := get(rec, iManager); v != "" {
			next.Manager = v
		}
		if v := get(rec, iRegion); v != "" {
			next.Region = v
		}
		for _, k := range []string{"cost", "capacity", "quota"} {
			i := nums[k]
			s := get(rec, i)
			if s == "" {
				continue
			}
			x, ok, msg := number(s)
			switch {
			case !ok:
				bad(t.header[i], "%s %s", quote(s), msg)
			case x < 0:
				bad(t.header[i], "negative %s %s", k, quote(s))
			case x > 1e15:
				bad(t.header[i], "%s %s is too large", k, quote(s))
			default:
				switch k {
				case "cost":
					next.Cost = x
				case "capacity":
					next.Capacity = x
				case "quota":
					next.Quota = x
				}
			}
		}
		if lon, lat := get(rec, iLon), get(rec, iLat); lon != "" || lat != "" {
			x, okx, _ := number(lon)
			y, oky, _ := number(lat)
			switch {
			case !okx || !oky:
				bad("lon/lat", "%s, %s is not a pair of numbers", quote(lon), quote(lat))
			case x < -180 || x > 180 || y < -90 || y > 90:
				bad("lon/lat", "%v, %v is outside the lon/lat range", x, y)
			default:
				next.Home = &orb.Point{x, y}
			}
		} else if zip := postalCode(get(rec, iZip)); zip != "" {
			if z == nil {
				if z, err = zipsFn(); err != nil {
					return nil, fmt.Errorf("importer: ZIP tables: %w", err)
				}
			}
			if pt, ok := z.centroids[zip]; ok {
				next.Home = &pt
			} else {
				bad(t.header[iZip], "unknown postal code %s (give lon/lat for places outside the US)", quote(zip))
			}
		}
		if iTerr >= 0 {
			ids := splitIDs(get(rec, iTerr))
			for _, id := range ids {
				if !territories[id] {
					bad(t.header[iTerr], "unknown territory %s: not in scenario %s", quote(id), scenario)
				}
			}
			next.Territories = orNone(ids)
		}
		if p.errs.Total()+len(p.skipped) > before {
			continue // left out (skip_invalid), or the file is rejected
		}
		if err := next.Validate(); err != nil {
			bad("", "%s", terrane.ErrorMessage(err))
			continue
		}
		if iTerr >= 0 {
			plan.owners[name] = next.Territories
		}
		if next.ID == 0 {
			plan.created++
		} else {
			plan.updated++
		}
		plan.users = append(plan.users, next)
	}
	plan.rows = t.rows
	if err := p.err(); err != nil {
		return nil, err
	}
	if plan.rows == 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "reps file has no data rows")
	}
	if len(plan.users) == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every row is invalid (%d skipped); nothing to import", len(p.skipped))
		return nil, p.err()
	}
	return plan, nil
}

// splitIDs splits a list of ids separated by ';', dropping blanks and
// repeats.
func splitIDs(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ";") {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// importReps validates a reps file whole, then saves its users in one
// transaction and makes them owners in the scenario in a second (checked
// beforehand: it exists, is on the layer and is not published).
func importReps(ctx context.Context, store Store, data []byte, opts Options, res *Result) error {
	users, ok := store.(terrane.UserService)
	if !ok {
		return terrane.Errorf(terrane.ENOTIMPL, "this store cannot import reps")
	}
	if _, err := store.FindLayerByID(ctx, opts.Layer); err != nil {
		return err
	}
	sc, err := OwnersScenario(ctx, store, opts.Scenario, opts.Layer, "")
	var territories map[string]bool
	label := ""
	switch {
	case err == nil:
		if sc.Layer != opts.Layer {
			return terrane.Errorf(terrane.EINVALID, "scenario %d is on layer %s, not %s", sc.ID, sc.Layer, opts.Layer)
		}
		ts, err := store.FindTerritories(ctx, sc.ID)
		if err != nil {
			return err
		}
		territories = map[string]bool{}
		for _, t := range ts {
			territories[t.ID] = true
		}
		label = fmt.Sprintf("%d (%s)", sc.ID, sc.Name)
	case terrane.ErrorCode(err) == terrane.ENOTFOUND && opts.Scenario == 0:
		// No baseline: a file without territories still imports.
	default:
		return err
	}
	existing, err := users.FindUsers(ctx)
	if err != nil {
		return err
	}
	plan, err := parseReps(data, opts, existing, territories, label, loadZIPs)
	if err != nil {
		return err
	}
	if plan.owners != nil && sc.Status == terrane.StatusPublished {
		return terrane.Errorf(terrane.ECONFLICT, "scenario %s is published and read-only; give a draft scenario", label)
	}
	if err := users.SaveUsers(ctx, plan.users); err != nil {
		return err
	}
	if plan.owners != nil {
		if err := SetOwners(ctx, store, sc, plan.owners, opts.Actor); err != nil {
			return err
		}
		res.Scenario = sc.ID
	}
	res.Format, res.Rows = "csv", plan.rows
	res.UsersCreated, res.UsersUpdated = plan.created, plan.updated
	return nil
}
