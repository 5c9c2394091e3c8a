package plan

import (
	"sync"

	"github.com/terrane/terrane"
)

// Broker tells watchers of a run that its row changed, within the process:
// the worker notifies, the API's event stream wakes and reads the row. A
// watcher in another process than the worker still reads the row on its own
// clock, so a Broker only makes news faster, never required.
type Broker struct {
	mu     sync.Mutex
	subs   map[int64]map[chan struct{}]bool
	primed map[int64]Primed // by scenario id
}

// Primed is what a finished allocation read and stored: the inputs at the
// scenario's version and the results, so that the next read of the
// scenario need not load them again.
type Primed struct {
	Inputs  *Inputs
	Results *terrane.Results
}

// Finished keeps a finished run's inputs and results for Take; the newest
// per scenario, a handful of scenarios at most.
func (b *Broker) Finished(in *Inputs, res *terrane.Results) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.primed == nil || len(b.primed) >= 8 {
		b.primed = map[int64]Primed{}
	}
	b.primed[in.Scenario.ID] = Primed{in, res}
}

// Take returns and forgets what Finished kept for a scenario.
func (b *Broker) Take(scenarioID int64) (Primed, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.primed[scenarioID]
	delete(b.primed, scenarioID)
	return p, ok
}

// Notify wakes every watcher of run id; a watcher that has not yet read
// the previous news gets one wake-up for both.
func (b *Broker) Notify(id int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs[id] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Subscribe returns a channel that receives a value after each change of
// run id, and the function that stops it.
func (b *Broker) Subscribe(id int64) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[int64]map[chan struct{}]bool{}
	}
	if b.subs[id] == nil {
		b.subs[id] = map[chan struct{}]bool{}
	}
	b.subs[id][ch] = true
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs[id], ch)
		if len(b.subs[id]) == 0 {
			delete(b.subs, id)
		}
	}
}
