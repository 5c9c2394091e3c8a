package sample

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
)

// The simulated company's constants: every one is documented, with its
// source, in data/README.md ("The simulated company").
const (
	// Seed seeds the generator (math/rand/v2 PCG); the committed files in
	// company/ are Generate(Geography(), Seed).
	Seed uint64 = 2026

	NationalMarket = 3.0e9 // addressable revenue of the 50 states + DC, dollars per year
	MarketRange    = 0.25  // low/high market = market × (1 ∓ this)

	// The true response curve (the generating model):
	// revenue = M·(F + (S − F)·Σ_r w_r·h(x_r / (κ_r·M/1e6))) · ε,  h(z) = z^c / (1 + z^c).
	FloorShare       = 0.01  // F: share kept with no effort
	MetroSaturation  = 0.12  // S in metro counties (RUCC 1–3)
	RuralSaturation  = 0.08  // S elsewhere
	Shape            = 0.8   // c
	WeightHeadcount  = 0.5   // w of headcount
	WeightMoney      = 0.3   // w of money
	WeightAttention  = 0.2   // w of attention
	KappaHeadcount   = 0.11  // κ: reps per $1M of market at half the attainable lift
	KappaMoney       = 13000 // κ: program dollars per $1M of market at half the lift
	KappaAttention   = 16    // κ: manager hours per $1M of market at half the lift
	RevenueNoise     = 0.08  // σ of the log of ε per territory (annual)
	QuarterNoise     = 0.06  // σ of the log of ε per territory and quarter (history)
	MarketGrowth     = 0.03  // market growth per year, for the history
	CountyNoise      = 0.35  // σ of the log of a county's part of its state's revenue
	AccountRevenue   = 24000 // mean account revenue, dollars per year
	QuotaReps        = 60    // quota-carrying reps aimed at (rounding per state decides)
	RepSpread        = 0.15  // σ of the log of a state's reps around its market's share
	MinRepsForOne    = 0.45  // a state whose share of the reps is below this has none
	RepRounding      = 0.6   // reps = ⌊share × noise + this⌋: half a rep more is hired rather than not
	RepCostMin       = 138000
	RepCostMax       = 186000
	ManagerCostMin   = 215000
	ManagerCostMax   = 255000
	RepCapacity      = 1720 // selling hours per year of a rep
	ManagerCapacity  = 1800 // hours per year of a manager
	CoachingShare    = 0.55 // share of a manager's hours spent in their territories
	ProgramMoney     = 6.2e6
	ProgramSpread    = 0.3  // σ of the log of a state's program money around its market's share
	QuotaUplift      = 1.1  // quota = uplift × bookings share × the territory's revenue per rep, × noise
	BookingsShare    = 0.5  // share of a territory's revenue that is new and expansion bookings (the rest renews)
	WinRate          = 0.27 // chance a closed opportunity was won
	OpportunityCount = 6000
	BlankAmountShare = 0.3 // share of Prospecting opportunities with no amount yet
)

// AsOf is the day the simulated company's data is as of; its history is the
// 12 quarters up to it.
var AsOf = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)

// Quarters of history, oldest first: 2023-Q1 … 2025-Q4.
const Quarters = 12

// seasonality multiplies a quarter's revenue (Q1 … Q4); they average 1.
var seasonality = [4]float64{0.9, 0.97, 0.98, 1.15}

// regions of the company: five, by state, each with one manager.
var regions = []struct {
	name   string
	states []string
}{
	{"West", []string{"AK", "CA", "CO", "HI", "ID", "MT", "NV", "OR", "UT", "WA", "WY"}},
	{"Southwest", []string{"AR", "AZ", "LA", "NM", "OK", "TX"}},
	{"Central", []string{"IA", "IL", "IN", "KS", "MI", "MN", "MO", "ND", "NE", "OH", "SD", "WI"}},
	{"Southeast", []string{"AL", "FL", "GA", "KY", "MS", "NC", "SC", "TN", "VA", "WV"}},
	{"Northeast", []string{"CT", "DC", "DE", "MA", "MD", "ME", "NH", "NJ", "NY", "PA", "RI", "VT"}},
}

// Stages of the opportunities; the last two are closed.
var (
	OpenStages = []string{"Prospecting", "Qualification", "Proposal", "Negotiation"}
	WonStage   = "Closed Won"
	LostStage  = "Closed Lost"
)

// Resources of the sample's scenarios.
var resourceNames = []string{"headcount", "money", "attention"}

// Rep is one person of the sales organisation: a quota-carrying rep (role
// rep) or a regional manager (role leader, no quota).
type Rep struct {
	Name, Email, Role, Territory, Manager, Region, PostalCode string
	Home                                                      orb.Point
	Cost, Capacity, Quota                                     float64
}

// Opportunity is one CRM opportunity.
type Opportunity struct {
	ID, Account, Owner, Stage string
	Amount                    float64 // dollars; 0 with Blank
	Blank                     bool    // no amount entered yet
	Created, Close            time.Time
	Product                   string
}

// HistoryRow is one territory's quarter: revenue and the resources it had.
type HistoryRow struct {
	Period, Territory string
	Revenue           float64            // dollars in the quarter
	Amounts           map[string]float64 // headcount: reps at the quarter's end; money: dollars in the quarter; attention: manager hours in the quarter
}

// Company is the simulated sales organisation on the sample's geography.
type Company struct {
	Estimates     []*terrane.MarketEstimate
	Accounts      []*terrane.Account
	Reps          []Rep
	Territories   []*terrane.Territory // one per state, with owners and current resources
	Alignment     map[string]string    // county → state territory
	Scenario      terrane.Scenario
	Opportunities []Opportunity
	History       []HistoryRow
}

// state is the generator's working record of one territory.
type state struct {
	id, name, region string
	counties         []*terrane.Unit
	market           float64            // dollars per year
	saturation       float64            // market-weighted S
	current          map[string]float64 // resources today
	expected         float64            // revenue of the true curve at today's resources
	revenue          float64            // realised revenue (sum of its accounts)
	reps             []int              // indexes into Company.Reps
	manager          int
}

// lift is Σ_r w_r·h(x_r / (κ_r·M/1e6)) of the true curve.
func lift(x map[string]float64, market float64) float64 {
	h := func(v, kappa float64) float64 {
		if v <= 0 {
			return 0
		}
		z := math.Pow(v/(kappa*market/1e6), Shape)
		return z / (1 + z)
	}
	return WeightHeadcount*h(x["headcount"], KappaHeadcount) + WeightMoney*h(x["money"], KappaMoney) + WeightAttention*h(x["attention"], KappaAttention)
}

// TrueRevenue is the generating model's revenue, without noise, of a
// territory with market (dollars per year), attainable share sat and
// resources x per year.
func TrueRevenue(market, sat float64, x map[string]float64) float64 {
	return market * (FloorShare + (sat-FloorShare)*lift(x, market))
}

// Generate simulates the company on the geography ds (from Geography) with
// the given seed. The same geography and seed give the same company.
func Generate(ds *Dataset, seed uint64) (*Company, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x7e44a1e5))
	lognorm := func(sigma float64) float64 { return math.Exp(sigma*rng.NormFloat64() - sigma*sigma/2) }
	co := &Company{Alignment: map[string]string{}}

	// Markets per county from the proxies.
	market := countyMarkets(ds.Units)
	sat := map[string]float64{}
	states := map[string]*state{}
	for _, st := range stateFIPS {
		states[st[0]] = &state{id: st[0], name: st[1], current: map[string]float64{}}
	}
	for _, r := range regions {
		for _, s := range r.states {
			states[s].region = r.name
		}
	}
	for _, u := range ds.Units {
		s := states[u.Region]
		if s == nil || s.region == "" {
			return nil, fmt.Errorf("sample: county %s is in no region (state %q)", u.ID, u.Region)
		}
		s.counties = append(s.counties, u)
		s.market += market[u.ID]
		sat[u.ID] = RuralSaturation
		if r := u.Attributes["rucc_2013"]; r >= 1 && r <= 3 {
			sat[u.ID] = MetroSaturation
		}
		s.saturation += sat[u.ID] * market[u.ID]
		co.Alignment[u.ID] = s.id
	}
	ids := make([]string, 0, len(states))
	for id, s := range states {
		s.saturation /= s.market
		ids = append(ids, id)
	}
	sort.Strings(ids)

	// ZIPs by the county their centroid lies in (as the accounts importer
	// locates them), for homes and accounts.
	centroids, err := ZIPCentroids()
	if err != nil {
		return nil, err
	}
	geoms := make([]orb.Geometry, len(ds.Units))
	for i, u := range ds.Units {
		geoms[i] = u.Geometry
	}
	ix := geo.NewIndex(geoms)
	zipList := make([]string, 0, len(centroids))
	for z := range centroids {
		zipList = append(zipList, z)
	}
	sort.Strings(zipList)
	zipsOf := map[string][]string{}
	for _, z := range zipList {
		if i, ok := ix.Locate(centroids[z]); ok {
			zipsOf[ds.Units[i].ID] = append(zipsOf[ds.Units[i].ID], z)
		}
	}

	// Reps per state around its share of the market; managers per region.
	used := map[string]bool{}
	person := func() (string, string) {
		for {
			f, l := firstNames[rng.IntN(len(firstNames))], surnames[rng.IntN(len(surnames))]
			if name := f + " " + l; !used[name] {
				used[name] = true
				return name, strings.ToLower(f + "." + l + "@example.com")
			}
		}
	}
	// home is a ZIP in one of the state's populous counties (weighted by
	// population).
	home := func(s *state) (string, orb.Point) {
		cs := append([]*terrane.Unit(nil), s.counties...)
		sort.Slice(cs, func(i, j int) bool { return cs[i].Attributes["pop_2018"] > cs[j].Attributes["pop_2018"] })
		if len(cs) > 5 {
			cs = cs[:5]
		}
		var tot float64
		for _, c := range cs {
			if len(zipsOf[c.ID]) > 0 {
				tot += c.Attributes["pop_2018"]
			}
		}
		x := rng.Float64() * tot
		for _, c := range cs {
			zs := zipsOf[c.ID]
			if len(zs) == 0 {
				continue
			}
			if x -= c.Attributes["pop_2018"]; x <= 0 || c == cs[len(cs)-1] {
				z := zs[rng.IntN(len(zs))]
				return z, centroids[z]
			}
		}
		z := zipsOf[cs[0].ID][0]
		return z, centroids[z]
	}
	var national float64
	for _, id := range ids {
		national += states[id].market
	}
	for _, r := range regions {
		// The manager lives in the region's largest state.
		big := states[r.states[0]]
		for _, id := range r.states {
			if states[id].market > big.market {
				big = states[id]
			}
		}
		name, email := person()
		zip, at := home(big)
		co.Reps = append(co.Reps, Rep{Name: name, Email: email, Role: terrane.RoleLeader, Region: r.name, PostalCode: zip, Home: at,
			Capacity: ManagerCapacity}) // cost below, once the reps are drawn
		mgr := len(co.Reps) - 1
		for _, id := range r.states {
			states[id].manager = mgr
		}
	}
	for _, id := range ids {
		s := states[id]
		want := QuotaReps * s.market / national
		n := 0
		if want >= MinRepsForOne {
			n = int(math.Max(1, math.Floor(want*lognorm(RepSpread)+RepRounding)))
		}
		for k := 0; k < n; k++ {
			name, email := person()
			zip, at := home(s)
			cost := RepCostMin + rng.Float64()*(RepCostMax-RepCostMin)
			co.Reps = append(co.Reps, Rep{Name: name, Email: email, Role: terrane.RoleRep, Territory: s.id, Manager: co.Reps[s.manager].Name,
				Region: s.region, PostalCode: zip, Home: at, Cost: math.Round(cost/1000) * 1000, Capacity: RepCapacity})
			s.reps = append(s.reps, len(co.Reps)-1)
		}
		s.current["headcount"] = float64(n)
	}
	// The managers' costs, rounded to $1,000 like the reps'.
	for i := range co.Reps {
		if co.Reps[i].Role == terrane.RoleLeader {
			co.Reps[i].Cost = math.Round((ManagerCostMin+rng.Float64()*(ManagerCostMax-ManagerCostMin))/1000) * 1000
		}
	}

	// Program money around each state's share of the market; manager hours
	// split over the region's states by their reps.
	var weight float64
	pm := map[string]float64{}
	for _, id := range ids {
		pm[id] = math.Pow(states[id].market, 0.9) * lognorm(ProgramSpread)
		weight += pm[id]
	}
	for _, id := range ids {
		states[id].current["money"] = math.Round(ProgramMoney*pm[id]/weight/100) * 100
	}
	for _, r := range regions {
		var tot float64
		for _, id := range r.states {
			tot += float64(len(states[id].reps)) + 0.3
		}
		hours := CoachingShare * ManagerCapacity
		for _, id := range r.states {
			states[id].current["attention"] = math.Round(hours * (float64(len(states[id].reps)) + 0.3) / tot)
		}
	}

	// Revenue per state from the true curve with noise, split over its
	// counties and drawn as accounts.
	segments := []struct {
		name        string
		share, size float64
	}{{"Enterprise", 0.06, 8}, {"Mid-Market", 0.24, 2.5}, {"SMB", 0.70, 0.5}}
	var meanSize float64
	for _, sg := range segments {
		meanSize += sg.share * sg.size
	}
	nextAccount := 1
	for _, id := range ids {
		s := states[id]
		s.expected = TrueRevenue(s.market, s.saturation, s.current)
		target := s.expected * lognorm(RevenueNoise)
		parts := map[string]float64{}
		var tot float64
		for _, c := range s.counties {
			if len(zipsOf[c.ID]) == 0 {
				continue
			}
			parts[c.ID] = market[c.ID] * lognorm(CountyNoise)
			tot += parts[c.ID]
		}
		for _, c := range s.counties {
			part, ok := parts[c.ID]
			if !ok {
				continue
			}
			// Accounts of AccountRevenue on average, smaller in a county
			// with less revenue than one such account.
			rev := target * part / tot
			size := math.Min(AccountRevenue, rev)
			n := int(math.Floor(rev/size + rng.Float64()))
			sizes := make([]float64, n)
			segs := make([]string, n)
			var sum float64
			for k := range sizes {
				x, sg := rng.Float64(), segments[len(segments)-1]
				for _, g := range segments {
					if x < g.share {
						sg = g
						break
					}
					x -= g.share
				}
				sizes[k], segs[k] = sg.size*lognorm(0.6), sg.name
				sum += sizes[k]
			}
			zs := zipsOf[c.ID]
			for k := range sizes {
				z := zs[rng.IntN(len(zs))]
				owner := co.Reps[s.manager].Name
				if len(s.reps) > 0 {
					owner = co.Reps[s.reps[rng.IntN(len(s.reps))]].Name
				}
				a := &terrane.Account{ID: fmt.Sprintf("001TRN%09d", nextAccount), Name: companyName(rng), Segment: segs[k],
					PostalCode: z, Location: centroids[z], Layer: LayerID, UnitID: c.ID,
					Revenue: round2(float64(n) * size * sizes[k] / sum), Owner: owner}
				nextAccount++
				co.Accounts = append(co.Accounts, a)
			}
		}
	}
	sort.Slice(co.Accounts, func(i, j int) bool { return co.Accounts[i].ID < co.Accounts[j].ID })

	// Market estimates per county: revenue of its accounts; the state's
	// floor F spread in proportion to revenue so it sums to F·M.
	countyRev := map[string]float64{}
	for _, a := range co.Accounts {
		countyRev[a.UnitID] += a.Revenue
	}
	for _, id := range ids {
		s := states[id]
		for _, c := range s.counties {
			s.revenue += countyRev[c.ID]
		}
	}
	for _, u := range ds.Units {
		s := states[u.Region]
		m, rev := round2(market[u.ID]), round2(countyRev[u.ID])
		share := rev / m
		floorFrac := math.Min(1, FloorShare*s.market/math.Max(s.revenue, 1))
		st := sat[u.ID]
		if share > 0.8*st {
			st = math.Min(1, share/0.8)
		}
		co.Estimates = append(co.Estimates, &terrane.MarketEstimate{Layer: LayerID, UnitID: u.ID, Market: m, Revenue: rev,
			Share: share, Saturation: st, Floor: floorFrac * share,
			Low: round2(m * (1 - MarketRange)), High: round2(m * (1 + MarketRange))})
	}

	// Quotas: bookings (new and expansion) of the territory's revenue per
	// rep, with an uplift and noise.
	for _, id := range ids {
		s := states[id]
		for _, i := range s.reps {
			q := QuotaUplift * BookingsShare * s.revenue / float64(len(s.reps)) * lognorm(0.1)
			co.Reps[i].Quota = math.Round(q/10000) * 10000
		}
	}

	// Territories and the baseline scenario.
	var costs []float64
	for _, id := range ids {
		s := states[id]
		t := &terrane.Territory{ID: s.id, Name: s.name, Owners: []string{}, Current: map[string]float64{}, Assumed: []string{}}
		for _, r := range resourceNames {
			t.Current[r] = s.current[r]
		}
		for _, i := range s.reps {
			t.Owners = append(t.Owners, co.Reps[i].Name)
			costs = append(costs, co.Reps[i].Cost)
		}
		sort.Strings(t.Owners)
		co.Territories = append(co.Territories, t)
	}
	co.Scenario = Baseline(co.Territories, costs)

	co.history(rng, states, ids)
	co.opportunities(rng)
	return co, nil
}

// Baseline is the sample's baseline scenario for its territories ts and
// the fully loaded costs of its quota-carrying reps: headcount at their mean
// cost (rounded to $1,000), money at $1 a dollar, attention free; totals =
// today's amounts; budget = reps × that cost + money; the settings of the
// true curve's weights and shape, and the note "sample company, simulated".
func Baseline(ts []*terrane.Territory, repCosts []float64) terrane.Scenario {
	var reps, money, hours, cost float64
	for _, t := range ts {
		reps, money, hours = reps+t.Current["headcount"], money+t.Current["money"], hours+t.Current["attention"]
	}
	for _, c := range repCosts {
		cost += c
	}
	unitCost := 0.0
	if len(repCosts) > 0 {
		unitCost = math.Round(cost/float64(len(repCosts))/1000) * 1000
	}
	return terrane.Scenario{
		Name: BaselineName, Layer: LayerID, Status: terrane.StatusDraft, CreatedBy: "sample",
		Budget: reps*unitCost + money,
		Resources: []terrane.Resource{
			{Name: "headcount", Unit: "reps", UnitCost: unitCost, Integer: true, Total: &reps},
			{Name: "money", Unit: "dollars per year", UnitCost: 1, Total: &money},
			{Name: "attention", Unit: "manager hours per year", UnitCost: 0, Total: &hours},
		},
		Settings: []byte(fmt.Sprintf(`{"note":%q,"objective":"revenue","resource_weights":{"headcount":%g,"money":%g,"attention":%g},"shape":%g}`,
			Note, WeightHeadcount, WeightMoney, WeightAttention, Shape)),
	}
}

// Note is what the app shows next to the sample's scenarios (their
// settings' note).
const Note = "sample company, simulated"

// companyName draws an account name such as "Summit Logistics LLC".
func companyName(rng *rand.Rand) string {
	first := companyWords[rng.IntN(len(companyWords))]
	if rng.IntN(3) == 0 {
		first = surnames[rng.IntN(len(surnames))]
	}
	return first + " " + companyTrades[rng.IntN(len(companyTrades))] + " " + companySuffixes[rng.IntN(len(companySuffixes))]
}

// history simulates 12 quarters per territory: resources drifting towards
// today's (headcount hired over the years, money and hours varying), and
// revenue from the true curve at the quarter's resources, with market
// growth, seasonality and noise.
func (co *Company) history(rng *rand.Rand, states map[string]*state, ids []string) {
	lognorm := func(sigma float64) float64 { return math.Exp(sigma*rng.NormFloat64() - sigma*sigma/2) }
	for _, id := range ids {
		s := states[id]
		for q := 0; q < Quarters; q++ {
			back := float64(Quarters-1-q) / 4 // years before today
			x := map[string]float64{}
			// Headcount: a state grew to today's reps over the three years.
			x["headcount"] = math.Max(0, math.Round(s.current["headcount"]*(1-0.1*back)+0.6*rng.NormFloat64()))
			if q == Quarters-1 {
				x["headcount"] = s.current["headcount"]
			}
			x["money"] = s.current["money"] * (1 - 0.06*back) * lognorm(0.2)
			x["attention"] = s.current["attention"] * lognorm(0.15)
			m := s.market * math.Pow(1+MarketGrowth, -back)
			rev := TrueRevenue(m, s.saturation, x) / 4 * seasonality[q%4] * lognorm(QuarterNoise)
			co.History = append(co.History, HistoryRow{
				Period: fmt.Sprintf("%d-Q%d", AsOf.Year()-2+q/4, q%4+1), Territory: id, Revenue: round2(rev),
				Amounts: map[string]float64{"headcount": x["headcount"], "money": round2(x["money"] / 4), "attention": math.Round(x["attention"] / 4)},
			})
		}
	}
}

// opportunities simulates the CRM's opportunities of the last 12 quarters:
// each on an account (drawn by revenue), owned by its owner, with a cycle
// of 30–150 days; those closing after AsOf are open, at a stage by how far
// along they are, the others won (WinRate) or lost.
func (co *Company) opportunities(rng *rand.Rand) {
	cum := make([]float64, len(co.Accounts))
	var tot float64
	for i, a := range co.Accounts {
		tot += a.Revenue
		cum[i] = tot
	}
	start := AsOf.AddDate(-3, 0, 1) // 2023-01-01
	days := int(AsOf.Sub(start).Hours()/24) + 1
	for n := 1; n <= OpportunityCount; n++ {
		a := co.Accounts[sort.SearchFloat64s(cum, rng.Float64()*tot)]
		created := start.AddDate(0, 0, rng.IntN(days))
		cycle := 30 + int(120*math.Pow(rng.Float64(), 1.3))
		closeAt := created.AddDate(0, 0, cycle)
		o := Opportunity{ID: fmt.Sprintf("006TRN%09d", n), Account: a.ID, Owner: a.Owner, Created: created, Close: closeAt,
			Product: products[rng.IntN(len(products))]}
		o.Amount = math.Round(a.Revenue*(0.15+0.5*rng.Float64())/100) * 100
		if o.Amount < 1000 {
			o.Amount = 1000
		}
		if closeAt.After(AsOf) {
			along := AsOf.Sub(created).Hours() / closeAt.Sub(created).Hours()
			o.Stage = OpenStages[min(len(OpenStages)-1, int(along*float64(len(OpenStages))))]
			if o.Stage == OpenStages[0] && rng.Float64() < BlankAmountShare {
				o.Amount, o.Blank = 0, true
			}
		} else if rng.Float64() < WinRate {
			o.Stage = WonStage
		} else {
			o.Stage = LostStage
		}
		co.Opportunities = append(co.Opportunities, o)
	}
}

// countyMarkets splits NationalMarket over the counties by a weighted index
// of payroll (40 %), establishments (30 %) and population (30 %); counties
// County Business Patterns does not cover use their population share.
func countyMarkets(units []*terrane.Unit) map[string]float64 {
	return countyMarketsOf(units, NationalMarket)
}

// countyMarketsOf splits national over the counties as countyMarkets does.
func countyMarketsOf(units []*terrane.Unit, national float64) map[string]float64 {
	var totPay, totEst, totPop float64
	for _, u := range units {
		totPay += u.Attributes["cbp_annual_payroll_2020_k"]
		totEst += u.Attributes["cbp_establishments_2020"]
		totPop += u.Attributes["pop_2018"]
	}
	out := make(map[string]float64, len(units))
	for _, u := range units {
		popShare := u.Attributes["pop_2018"] / totPop
		payShare, estShare := popShare, popShare
		if v, ok := u.Attributes["cbp_annual_payroll_2020_k"]; ok {
			payShare = v / totPay
		}
		if v, ok := u.Attributes["cbp_establishments_2020"]; ok {
			estShare = v / totEst
		}
		out[u.ID] = math.Max(1000, national*(0.4*payShare+0.3*estShare+0.3*popShare))
	}
	return out
}

// The files of the company, in company/: what Load imports.
const (
	FileReps          = "reps.csv"
	FileAccounts      = "accounts.csv.gz"
	FileAssignments   = "assignments.csv.gz"
	FileMarkets       = "markets.csv.gz"
	FileResources     = "resources.csv"
	FileOpportunities = "opportunities.csv.gz"
	FileHistory       = "history.csv"
)

// Files renders the company as the CSV files Load imports (gzipped when
// named .gz), by file name.
func (co *Company) Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	c2 := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	day := func(t time.Time) string { return t.Format("2006-01-02") }

	rows := [][]string{{"name", "email", "role", "territory", "manager", "region", "postal_code", "cost", "capacity", "quota"}}
	for _, r := range co.Reps {
		rows = append(rows, []string{r.Name, r.Email, r.Role, r.Territory, r.Manager, r.Region, r.PostalCode, f(r.Cost), f(r.Capacity), f(r.Quota)})
	}
	out[FileReps] = rows2csv(rows)

	rows = [][]string{{"account_id", "account_name", "segment", "postal_code", "owner", "revenue"}}
	for _, a := range co.Accounts {
		rows = append(rows, []string{a.ID, a.Name, a.Segment, a.PostalCode, a.Owner, c2(a.Revenue)})
	}
	out[FileAccounts] = rows2csv(rows)

	names := map[string]string{}
	owners := map[string]string{}
	for _, t := range co.Territories {
		names[t.ID], owners[t.ID] = t.Name, strings.Join(t.Owners, ";")
	}
	rows = [][]string{{"unit_id", "territory_id", "territory_name", "owner"}}
	units := make([]string, 0, len(co.Alignment))
	for u := range co.Alignment {
		units = append(units, u)
	}
	sort.Strings(units)
	for _, u := range units {
		t := co.Alignment[u]
		rows = append(rows, []string{u, t, names[t], owners[t]})
	}
	out[FileAssignments] = rows2csv(rows)

	rows = [][]string{{"unit_id", "market", "revenue", "share", "saturation", "floor", "low", "high"}}
	for _, m := range co.Estimates {
		rows = append(rows, []string{m.UnitID, c2(m.Market), c2(m.Revenue), f(m.Share), f(m.Saturation), f(m.Floor), c2(m.Low), c2(m.High)})
	}
	out[FileMarkets] = rows2csv(rows)

	rows = [][]string{{"territory", "resource", "amount"}}
	for _, t := range co.Territories {
		for _, r := range resourceNames {
			rows = append(rows, []string{t.ID, r, f(t.Current[r])})
		}
	}
	out[FileResources] = rows2csv(rows)

	rows = [][]string{{"id", "account", "owner", "stage", "amount", "created", "close_date", "product"}}
	for _, o := range co.Opportunities {
		amount := c2(o.Amount)
		if o.Blank {
			amount = ""
		}
		rows = append(rows, []string{o.ID, o.Account, o.Owner, o.Stage, amount, day(o.Created), day(o.Close), o.Product})
	}
	out[FileOpportunities] = rows2csv(rows)

	rows = [][]string{append([]string{"period", "territory", "revenue"}, resourceNames...)}
	for _, h := range co.History {
		row := []string{h.Period, h.Territory, c2(h.Revenue), f(h.Amounts["headcount"]), c2(h.Amounts["money"]), f(h.Amounts["attention"])}
		rows = append(rows, row)
	}
	out[FileHistory] = rows2csv(rows)

	for name, b := range out {
		if strings.HasSuffix(name, ".gz") {
			var buf bytes.Buffer
			zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			if err != nil {
				return nil, err
			}
			if _, err := zw.Write(b); err != nil {
				return nil, err
			}
			if err := zw.Close(); err != nil {
				return nil, err
			}
			out[name] = buf.Bytes()
		}
	}
	return out, nil
}

func rows2csv(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows)
	return b.Bytes()
}
