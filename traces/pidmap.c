/*
** Threads by pid: open addressing, linear probing (see pidmap.h).
*/
#include "traces/pidmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

static size_t hash_pid(int pid, size_t size)
{
	return ((uint32_t)pid * UINT32_C(2654435761)) & (size - 1);
}

/* The empty slot where pid goes. */
static struct trace_pidmap_slot *free_slot(struct trace_pidmap_slot *slot, size_t size, int pid)
{
	size_t h = hash_pid(pid, size);
	while (slot[h].idx)
		h = (h + 1) & (size - 1);
	return &slot[h];
}

int trace_pidmap_find(const struct trace_pidmap *m, int pid, trace_pidmap_match_fn *match,
		      const void *arg)
{
	if (!m->size)
		return -1;
	for (size_t h = hash_pid(pid, m->size); m->slot[h].idx; h = (h + 1) & (m->size - 1))
		if (m->slot[h].pid == pid && match(arg, m->slot[h].idx - 1))
			return m->slot[h].idx - 1;
	return -1;
}

int trace_pidmap_add(struct trace_pidmap *m, int pid, int idx)
{
	if ((m->n + 1) * 2 > m->size) {
		size_t size = m->size ? 2 * m->size : 64;
		struct trace_pidmap_slot *slot = calloc(size, sizeof *slot);
		if (!slot)
			return -ENOMEM;
		for (size_t i = 0; i < m->size; i++)
			if (m->slot[i].idx)
				*free_slot(slot, size, m->slot[i].pid) = m->slot[i];
		free(m->slot);
		m->slot = slot;
		m->size = size;
	}
	*free_slot(m->slot, m->size, pid) = (struct trace_pidmap_slot){ pid, idx + 1 };
	m->n++;
	return 0;
}

void trace_pidmap_free(struct trace_pidmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->size = m->n = 0;
}
