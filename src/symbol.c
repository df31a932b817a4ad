/*
 * symbol.c - which function of a program an address is in.
 *
 * Variants built differently (--variant) have the same functions at
 * different addresses; the name of the function, from the file's symbol
 * table (.symtab, else .dynsym), is what says that two of them stand at
 * the same point of the program.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chorus.h"

#define MAX_TABLE (64u << 20) /* larger symbol tables are not read */

static bool read_at(int fd, void *buf, size_t len, uint64_t off)
{
	return pread(fd, buf, len, (off_t)off) == (ssize_t)len;
}

/* Reads n entries of size sz at off into a new buffer, or NULL. */
static void *read_table(int fd, uint64_t off, uint64_t n, uint64_t sz)
{
	void *buf;

	if (n == 0 || sz == 0 || n > MAX_TABLE / sz)
		return NULL;
	buf = malloc(n * sz);
	if (buf && !read_at(fd, buf, n * sz, off)) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

/* The virtual address that file offset off is loaded at, or 0 if no segment loads it. */
static uint64_t file_vaddr(int fd, const Elf64_Ehdr *h, uint64_t off)
{
	Elf64_Phdr *ph = read_table(fd, h->e_phoff, h->e_phnum, sizeof(*ph));
	uint64_t va = 0;

	if (ph && h->e_phentsize != sizeof(*ph))
		goto out;
	for (int i = 0; ph && i < h->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && off >= ph[i].p_offset && off - ph[i].p_offset < ph[i].p_filesz)
			va = off - ph[i].p_offset + ph[i].p_vaddr;
out:
	free(ph);
	return va;
}

/* The name of the function in symbol table sym (section s, strings in section str) holding va. */
static bool find_function(int fd, const Elf64_Shdr *s, const Elf64_Shdr *str, uint64_t va, char *name, size_t len)
{
	uint64_t n = s->sh_size / sizeof(Elf64_Sym);
	Elf64_Sym *sym = read_table(fd, s->sh_offset, n, sizeof(Elf64_Sym));
	bool found = false;

	for (uint64_t i = 0; sym && i < n && !found; i++) {
		const Elf64_Sym *y = &sym[i];

		if (ELF64_ST_TYPE(y->st_info) != STT_FUNC || y->st_shndx == SHN_UNDEF || y->st_name >= str->sh_size)
			continue;
		if (va < y->st_value || va - y->st_value >= (y->st_size ? y->st_size : 1))
			continue;
		found = len > 0 && pread(fd, name, len - 1, (off_t)(str->sh_offset + y->st_name)) > 0;
	}
	if (found)
		name[strnlen(name, len - 1)] = 0;
	free(sym);
	return found;
}

/* The function of ELF file fd whose code is at file offset off. */
static bool elf_function(int fd, uint64_t off, char *name, size_t len)
{
	static const uint32_t tables[] = { SHT_SYMTAB, SHT_DYNSYM };
	Elf64_Ehdr h;
	Elf64_Shdr *sh;
	uint64_t va;
	bool found = false;

	if (!read_at(fd, &h, sizeof(h), 0) || memcmp(h.e_ident, ELFMAG, SELFMAG) != 0 ||
	    h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_shentsize != sizeof(*sh))
		return false;
	va = file_vaddr(fd, &h, off);
	sh = read_table(fd, h.e_shoff, h.e_shnum, sizeof(*sh));
	for (int k = 0; k < 2 && sh && va && !found; k++)
		for (int i = 0; i < h.e_shnum && !found; i++)
			if (sh[i].sh_type == tables[k] && sh[i].sh_link < h.e_shnum)
				found = find_function(fd, &sh[i], &sh[sh[i].sh_link], va, name, len);
	free(sh);
	return found;
}

/*
 * What the last lookups found, by file and offset: a thread that spins is
 * looked at again and again at the same few places.
 */
#define CACHE_SIZE 16

struct cached {
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	uint64_t off;
	bool found, used;
	char name[256];
};

static struct cached cache[CACHE_SIZE];
static unsigned cache_next;

static struct cached *cache_find(const struct stat *st, uint64_t off)
{
	for (int i = 0; i < CACHE_SIZE; i++) {
		struct cached *c = &cache[i];

		if (c->used && c->dev == st->st_dev && c->ino == st->st_ino && c->off == off &&
		    c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec)
			return c;
	}
	return NULL;
}

/* The function of ELF file fd at file offset off, looked up once per file and offset. */
static bool cached_function(int fd, uint64_t off, char *name, size_t len)
{
	struct stat st;
	struct cached *c;

	if (fstat(fd, &st) < 0)
		return elf_function(fd, off, name, len);
	c = cache_find(&st, off);
	if (!c) {
		c = &cache[cache_next++ % CACHE_SIZE];
		*c = (struct cached){ .dev = st.st_dev, .ino = st.st_ino, .mtime = st.st_mtim, .off = off, .used = true };
		c->found = elf_function(fd, off, c->name, sizeof(c->name));
	}
	if (c->found && len > 0)
		snprintf(name, len, "%s", c->name);
	return c->found && len > 0;
}

/*
 * The name of the function at file offset off of the file mapped at
 * [lo, hi) in process pid (path as /proc/PID/maps gives it). False if
 * the file has no symbol there.
 */
bool code_symbol(pid_t pid, unsigned long lo, unsigned long hi, const char *path, uint64_t off, char *name,
		 size_t len)
{
	char file[64];
	int fd;
	bool found;

	snprintf(file, sizeof(file), "/proc/%d/map_files/%lx-%lx", pid, lo, hi);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && path[0] == '/')
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	found = cached_function(fd, off, name, len);
	close(fd);
	return found;
}
