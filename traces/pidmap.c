/*
** Threads by key: open addressing, linear probing (see pidmap.h).
*/
#include "traces/pidmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

static size_t hash_key(unsigned key, size_t size)
{
	return ((uint32_t)key * UINT32_C(2654435761)) & (size - 1);
}

/* The empty slot where key goes. */
static struct trace_pidmap_slot *free_slot(struct trace_pidmap_slot *slot, size_t size, unsigned key)
{
	size_t h = hash_key(key, size);
	while (slot[h].idx)
		h = (h + 1) & (size - 1);
	return &slot[h];
}

int trace_pidmap_find(const struct trace_pidmap *m, unsigned key, trace_pidmap_match_fn *match,
		      const void *arg)
{
	if (!m->size)
		return -1;
	for (size_t h = hash_key(key, m->size); m->slot[h].idx; h = (h + 1) & (m->size - 1))
		if (m->slot[h].key == key && match(arg, m->slot[h].idx - 1))
			return m->slot[h].idx - 1;
	return -1;
}

int trace_pidmap_add(struct trace_pidmap *m, unsigned key, int idx)
{
	if ((m->n + 1) * 2 > m->size) {
		size_t size = m->size ? 2 * m->size : 64;
		struct trace_pidmap_slot *slot = calloc(size, sizeof *slot);
		if (!slot)
			return -ENOMEM;
		for (size_t i = 0; i < m->size; i++)
			if (m->slot[i].idx)
				*free_slot(slot, size, m->slot[i].key) = m->slot[i];
		free(m->slot);
		m->slot = slot;
		m->size = size;
	}
	*free_slot(m->slot, m->size, key) = (struct trace_pidmap_slot){ key, idx + 1 };
	m->n++;
	return 0;
}

int trace_pidmap_put(struct trace_pidmap *m, unsigned key, int idx)
{
	for (size_t h = m->size ? hash_key(key, m->size) : 0; m->size && m->slot[h].idx; h = (h + 1) & (m->size - 1))
		if (m->slot[h].key == key) {
			m->slot[h].idx = idx + 1;
			return 0;
		}
	return trace_pidmap_add(m, key, idx);
}

void trace_pidmap_free(struct trace_pidmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->size = m->n = 0;
}
