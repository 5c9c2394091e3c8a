package api

import (
	"sort"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimiter limits sign-in attempts three ways: per client address and
// account name (every/burst), per client address over all names
// (every/clientBurst), and per account from any address (after
// accountFailures wrong passwords, none an hour apart, the account is locked
// for accountLock, doubled on each further wrong password up to an hour). Only
// wrong passwords are charged, so a client that signs in right is never
// slowed, and a lock-out refuses only the account under attack.
//
// It tracks at most maxEntries clients and accounts: when full it forgets
// the half that is least limited (the fullest buckets, the fewest failures),
// never the ones being limited.
type loginLimiter struct {
	mu              sync.Mutex
	every           time.Duration
	burst           int
	clientBurst     int
	accountFailures int
	accountLock     time.Duration
	maxEntries      int
	now             func() time.Time

	pairs    map[string]*rate.Limiter // client + "\x00" + name
	clients  map[string]*rate.Limiter
	accounts map[string]*accountState
}

type accountState struct {
	failures int
	last     time.Time // the last wrong password
	until    time.Time // locked until then
}

func newLoginLimiter(every time.Duration, burst, clientBurst, accountFailures int, accountLock time.Duration, maxEntries int) *loginLimiter {
	return &loginLimiter{every: every, burst: burst, clientBurst: clientBurst, accountFailures: accountFailures,
		accountLock: accountLock, maxEntries: maxEntries, now: time.Now,
		pairs: map[string]*rate.Limiter{}, clients: map[string]*rate.Limiter{}, accounts: map[string]*accountState{}}
}

// A refusal says why a sign-in attempt is refused and for how long.
type refusal struct {
	wait    time.Duration
	account bool // the account is locked (else the client is limited)
}

// check tells whether client may try to sign in as name now; nil = yes.
func (l *loginLimiter) check(client, name string) *refusal {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if a := l.accounts[name]; a != nil && now.Before(a.until) {
		return &refusal{wait: a.until.Sub(now), account: true}
	}
	for _, lim := range []*rate.Limiter{l.pairs[client+"\x00"+name], l.clients[client]} {
		if lim != nil && lim.TokensAt(now) < 1 {
			return &refusal{wait: time.Duration((1 - lim.TokensAt(now)) * float64(l.every))}
		}
	}
	return nil
}

// fail records a wrong password from client for name.
func (l *loginLimiter) fail(client, name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	take := func(m map[string]*rate.Limiter, key string, burst int) {
		lim := m[key]
		if lim == nil {
			lim = rate.NewLimiter(rate.Every(l.every), burst)
			m[key] = lim
		}
		lim.AllowN(now, 1)
	}
	take(l.pairs, client+"\x00"+name, l.burst)
	take(l.clients, client, l.clientBurst)
	a := l.accounts[name]
	if a == nil {
		a = &accountState{}
		l.accounts[name] = a
	}
	if now.Sub(a.last) > time.Hour && now.After(a.until) {
		a.failures = 0 // an hour without a wrong password: forgiven
	}
	a.last = now
	a.failures++
	if over := a.failures - l.accountFailures; over >= 0 {
		lock := l.accountLock
		for i := 0; i < over && lock < time.Hour; i++ {
			lock *= 2
		}
		lock = min(lock, time.Hour)
		a.until = now.Add(lock)
	}
	l.prune(now)
}

// succeed forgets the account's failures: its owner signed in.
func (l *loginLimiter) succeed(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.accounts, name)
}

// prune keeps each map within maxEntries by dropping its least limited half.
func (l *loginLimiter) prune(now time.Time) {
	for _, m := range []map[string]*rate.Limiter{l.pairs, l.clients} {
		if len(m) <= l.maxEntries {
			continue
		}
		type kv struct {
			k string
			t float64
		}
		all := make([]kv, 0, len(m))
		for k, lim := range m {
			all = append(all, kv{k, lim.TokensAt(now)})
		}
		sort.Slice(all, func(i, j int) bool { return all[i].t > all[j].t })
		for _, e := range all[:len(all)/2] {
			delete(m, e.k)
		}
	}
	if len(l.accounts) > l.maxEntries {
		type kv struct {
			k string
			a *accountState
		}
		all := make([]kv, 0, len(l.accounts))
		for k, a := range l.accounts {
			all = append(all, kv{k, a})
		}
		sort.Slice(all, func(i, j int) bool {
			li, lj := now.Before(all[i].a.until), now.Before(all[j].a.until)
			if li != lj {
				return lj
			}
			return all[i].a.failures < all[j].a.failures
		})
		for _, e := range all[:len(all)/2] {
			delete(l.accounts, e.k)
		}
	}
}
