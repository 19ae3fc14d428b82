/*
** A store of finished capacity replications shared between searches
** (`hvsim sweep --cache DIR`, docs/capacity.md "Sharing replications").
**
** A replication's search is a function of the model it runs, its seed
** (the scenario's seed + its index) and where its brackets start (its
** hint), for one hvsim build: every probe's world is built from those
** alone, so two searches that agree on them probe the same counts and get
** the same results, bit for bit.  The store keeps each finished
** replication's probes under a key of exactly that text; a search that
** needs the same replication takes it instead of running it again.  The
** reproduction's seeds overlap (seed s runs the seeds s, s + 1, ...), so
** its sweeps for seeds 1, 2 and 3 share most of their replications.
**
** Several processes may share DIR.  A replication being run is locked
** (flock(2) on a file beside it, released with its process however that
** ends); another process wanting it runs other replications of its round
** first and waits for it only when none is left.  Entries are written
** to a temporary name and renamed, so a reader sees a whole entry or
** none; one that does not read back whole, or under another key, or with
** a probe no search could have written (a tampered store), is run again
** and replaced.  Locks are this machine's: not for a cluster run.
*/
#ifndef HVSIM_CAP_CACHE_H
#define HVSIM_CAP_CACHE_H

#include <stdint.h>

#include "sim/drive/capacity.h"

struct cap_cache {
	const char *dir;              /* the store (exists) */
	char *prefix;                 /* the build's identity and the model's text: the key but seed and hint */
	int warned;                   /* a write failed and was reported (the search goes on without storing) */
	int lock_fd;                  /* the lock this process holds (one at a time), or -1 */
};

/* Open the store in dir (made if missing) for searches of the model
** text `model` (scenario.h's s->model with anything the caller applies on
** top of it, e.g. the protocol).  The build's identity is the bytes of
** this executable (/proc/self/exe).  0, or -1 with a message in err. */
int cap_cache_open(struct cap_cache *c, const char *dir, const char *model, char *err, size_t errlen);
void cap_cache_close(struct cap_cache *c);

/* Whether dir can be a store, before anything runs and without making
** it: a directory, or a name in one.  0, or -1 with a message in err. */
int cap_cache_check(const char *dir, char *err, size_t errlen);

/* The key of the replication with this seed and hint; malloc'd or NULL. */
char *cap_cache_key(const struct cap_cache *c, uint64_t seed, int hint);

/* The stored replication under key, its probes appended to r as
** replication rep (a tail kept only for rep 0, as a search in this process
** keeps it).  1 found, 0 not there (or unreadable), -1 out of memory. */
int cap_cache_take(const struct cap_cache *c, const char *key, int rep, struct cap_result *r);

/* Claim the right to run key's replication: 1 claimed (cap_cache_put or
** cap_cache_unlock must follow), 0 another process holds it, -1 the lock
** cannot be made or this handle holds one already (the caller runs it
** unshared).  cap_cache_unlock drops a lock this handle holds. */
int cap_cache_lock(struct cap_cache *c, const char *key);
void cap_cache_unlock(struct cap_cache *c, const char *key);

/* Store replication rep's probes of r under key, then drop the lock.  A
** failure to write is reported once on stderr and otherwise ignored. */
void cap_cache_put(struct cap_cache *c, const char *key, const struct cap_result *r, int rep);

#endif
