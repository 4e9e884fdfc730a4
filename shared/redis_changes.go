package shared

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"

	"github.com/redis/go-redis/v9"
)

// redisChanges publishes each change on a Redis channel and keeps the
// last one under a key, so an instance that (re)connects reads what it may
// have missed. One subscription per instance feeds a local Hub, which fans
// out to this instance's subscribers.
type redisChanges struct {
	r   *Redis
	hub *Hub

	mu     sync.Mutex
	unsent *Change // the newest change Redis did not take; resent when it is back

	running sync.WaitGroup
}

func newRedisChanges(r *Redis) *redisChanges {
	return &redisChanges{r: r, hub: NewHub()}
}

func (c *redisChanges) channel() string { return c.r.key("changes") }
func (c *redisChanges) lastKey() string { return c.r.key("changes", "last") }

// Subscribe streams changes from every instance, this one's included.
func (c *redisChanges) Subscribe(ctx context.Context) <-chan Change { return c.hub.Subscribe(ctx) }

// Publish tells this instance's subscribers at once, then the others
// through Redis. When Redis does not take it, the change is kept (the
// newest only: a change means "re-read") and sent when Redis is back.
func (c *redisChanges) Publish(ctx context.Context, change Change) error {
	change.Origin = c.r.origin
	c.hub.deliver(change)
	if err := c.send(context.WithoutCancel(ctx), change); err != nil {
		c.mu.Lock()
		c.unsent = &change
		c.mu.Unlock()
		return err
	}
	return nil
}

// send sets the last change and publishes it in one transaction.
func (c *redisChanges) send(ctx context.Context, change Change) error {
	payload, err := json.Marshal(change)
	if err != nil {
		return err
	}
	return c.r.link.do(ctx, func(ctx context.Context) error {
		_, err := c.r.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, c.lastKey(), payload, 0)
			p.Publish(ctx, c.channel(), payload)
			return nil
		})
		return err
	})
}

// resend is the recovery hook: it sends the change kept while Redis was
// unreachable, unless a newer one is kept by then.
func (c *redisChanges) resend(ctx context.Context) {
	c.mu.Lock()
	change := c.unsent
	c.unsent = nil
	c.mu.Unlock()
	if change == nil {
		return
	}
	if err := c.send(ctx, *change); err != nil {
		c.mu.Lock()
		if c.unsent == nil {
			c.unsent = change
		}
		c.mu.Unlock()
	}
}

// start keeps one subscription open until ctx ends.
func (c *redisChanges) start(ctx context.Context) { c.running.Go(func() { c.run(ctx) }) }

// run subscribes; after a failure it waits until Redis is reachable and
// subscribes again.
func (c *redisChanges) run(ctx context.Context) {
	for ctx.Err() == nil {
		err := c.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		c.r.link.failed(err)
		_ = c.r.link.waitUp(ctx)
	}
}

func (c *redisChanges) wait() { c.running.Wait() }

// listen receives on one subscription until it fails. It pings when the
// channel has been quiet for pingEvery, and counts a ping unanswered for
// as long again as a lost connection (a half-open TCP connection would
// otherwise look quiet forever).
func (c *redisChanges) listen(ctx context.Context) error {
	sub := c.r.client.Subscribe(ctx, c.channel())
	defer sub.Close()
	stop := context.AfterFunc(ctx, func() { _ = sub.Close() })
	defer stop()
	awaitingPong := false
	for {
		msg, err := sub.ReceiveTimeout(ctx, pingEvery)
		switch {
		case isTimeout(err) && !awaitingPong:
			awaitingPong = true
			if err := sub.Ping(ctx); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		}
		awaitingPong = false
		switch m := msg.(type) {
		case *redis.Subscription:
			c.catchUp(ctx)
		case *redis.Message:
			c.received([]byte(m.Payload))
		}
	}
}

// catchUp reads the last change published, which this instance may have
// missed while it was not subscribed.
func (c *redisChanges) catchUp(ctx context.Context) {
	var payload []byte
	err := c.r.link.do(ctx, func(ctx context.Context) error {
		var err error
		payload, err = c.r.client.Get(ctx, c.lastKey()).Bytes()
		return err
	})
	if err == nil {
		c.received(payload)
	}
}

// received passes on a change from another instance; this instance's own
// were delivered when published.
func (c *redisChanges) received(payload []byte) {
	var change Change
	if err := json.Unmarshal(payload, &change); err != nil || change.Version == "" {
		return
	}
	if change.Origin != c.r.origin {
		c.hub.deliver(change)
	}
}

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout() || errors.Is(err, context.DeadlineExceeded)
}
