package store

import "container/list"

// lru keeps values up to a total size, evicting the least recently used
// first, so a cache that anyone can fill (the history, read by anonymous
// visitors) holds memory to a bound rather than growing or being cleared
// whole. It is not safe for concurrent use: its owner locks.
type lru[K comparable, V any] struct {
	max, used int
	size      func(V) int
	order     *list.List // front: most recently used
	items     map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key   K
	value V
	size  int
}

func newLRU[K comparable, V any](maxSize int, size func(V) int) *lru[K, V] {
	return &lru[K, V]{max: maxSize, size: size, order: list.New(), items: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(key K) (V, bool) {
	el, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[K, V]).value, true
}

// put keeps value unless it alone is over the bound.
func (c *lru[K, V]) put(key K, value V) {
	n := c.size(value)
	if n > c.max {
		return
	}
	if el, ok := c.items[key]; ok {
		c.used -= el.Value.(*lruEntry[K, V]).size
		c.order.Remove(el)
		delete(c.items, key)
	}
	c.items[key] = c.order.PushFront(&lruEntry[K, V]{key: key, value: value, size: n})
	c.used += n
	for c.used > c.max {
		oldest := c.order.Back()
		e := oldest.Value.(*lruEntry[K, V])
		c.order.Remove(oldest)
		delete(c.items, e.key)
		c.used -= e.size
	}
}
