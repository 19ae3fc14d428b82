/*
** MT19937 (see mt.h).  The twist replaces word k by
**     s[k + 397] ^ (y >> 1) ^ (y odd ? 0x9908b0df : 0),
**     y = the top bit of s[k] with the low 31 bits of s[k + 1]
** (indices mod 624), in place and in order, so words from 227 on read
** the new values of words 0..396.  The three loops split the index
** wrap out of the inner bodies; the first two have no dependence within
** a stretch of 227 words and the compiler may vectorise them.
*/
#include "sim/engine/mt.h"

#define MT_M     397
#define MT_UPPER UINT32_C(0x80000000)
#define MT_LOWER UINT32_C(0x7fffffff)
#define MT_A     UINT32_C(0x9908b0df)

void mt_seed(struct mt19937 *m, unsigned long seed)
{
	if (seed == 0)
		seed = 4357;
	m->s[0] = (uint32_t)seed;
	for (int k = 1; k < MT_N; k++) {
		uint32_t p = m->s[k - 1];
		m->s[k] = UINT32_C(1812433253) * (p ^ (p >> 30)) + (uint32_t)k;
	}
	m->i = MT_N;
}

static inline uint32_t twist(uint32_t a, uint32_t b, uint32_t far)
{
	uint32_t y = (a & MT_UPPER) | (b & MT_LOWER);
	return far ^ (y >> 1) ^ (MT_A & (uint32_t)-(int32_t)(y & 1));
}

void mt_twist(struct mt19937 *m)
{
	uint32_t *s = m->s;
	int k;
	for (k = 0; k < MT_N - MT_M; k++)
		s[k] = twist(s[k], s[k + 1], s[k + MT_M]);
	for (; k < MT_N - 1; k++)
		s[k] = twist(s[k], s[k + 1], s[k + MT_M - MT_N]);
	s[MT_N - 1] = twist(s[MT_N - 1], s[0], s[MT_M - 1]);
	m->i = 0;
}
