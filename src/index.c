/*
 * index.c - a hash index from a pair of 64-bit keys to a position in an
 * array its user keeps: open addressing with linear probing, at most half
 * full, and deletion by shifting the following entries back (no markers
 * of deleted entries, so lookups never slow down as entries come and go).
 */
#include <stdlib.h>

#include "chorus.h"

static size_t slot_of(const struct index *ix, uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ULL ^ b;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h & (ix->cap - 1);
}

/* The slot holding (a, b), or the empty slot where it would go. */
static size_t find(const struct index *ix, uint64_t a, uint64_t b)
{
	size_t i = slot_of(ix, a, b);

	while (ix->s[i].pos1 && (ix->s[i].a != a || ix->s[i].b != b))
		i = (i + 1) & (ix->cap - 1);
	return i;
}

static void grow(struct index *ix)
{
	struct index old = *ix;

	ix->cap = old.cap ? old.cap * 2 : 16;
	ix->n = 0;
	ix->s = calloc(ix->cap, sizeof(*ix->s));
	if (!ix->s)
		die("out of memory");
	for (size_t i = 0; i < old.cap; i++)
		if (old.s[i].pos1)
			index_put(ix, old.s[i].a, old.s[i].b, old.s[i].pos1 - 1);
	free(old.s);
}

/* (a, b) is at pos from now on. */
void index_put(struct index *ix, uint64_t a, uint64_t b, size_t pos)
{
	size_t i;

	if (2 * (ix->n + 1) > ix->cap)
		grow(ix);
	i = find(ix, a, b);
	ix->n += !ix->s[i].pos1;
	ix->s[i] = (struct index_slot){ a, b, pos + 1 };
}

/* True, with its position, if (a, b) is in the index. */
bool index_get(const struct index *ix, uint64_t a, uint64_t b, size_t *pos)
{
	size_t i;

	if (!ix->cap)
		return false;
	i = find(ix, a, b);
	if (!ix->s[i].pos1)
		return false;
	*pos = ix->s[i].pos1 - 1;
	return true;
}

/* Does slot j, whose entry belongs at home, have to move back to the hole at i? */
static bool moves_back(size_t i, size_t j, size_t home)
{
	return i <= j ? home <= i || home > j : home <= i && home > j;
}

void index_del(struct index *ix, uint64_t a, uint64_t b)
{
	size_t i, j;

	if (!ix->cap || !ix->s[i = find(ix, a, b)].pos1)
		return;
	for (j = (i + 1) & (ix->cap - 1); ix->s[j].pos1; j = (j + 1) & (ix->cap - 1))
		if (moves_back(i, j, slot_of(ix, ix->s[j].a, ix->s[j].b))) {
			ix->s[i] = ix->s[j];
			i = j;
		}
	ix->s[i].pos1 = 0;
	ix->n--;
}

void index_free(struct index *ix)
{
	free(ix->s);
	*ix = (struct index){ 0 };
}
