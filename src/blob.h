/* blob.h - an argument's data, read out of a variant's memory. */
#ifndef BLOB_H
#define BLOB_H

#include "chorus.h"

struct blob {
	unsigned char *p;
	size_t n;
	bool null;   /* the pointer was NULL */
	bool fault;  /* part of it could not be read */
};

#define BLOB_MAX_STRING (1u << 20)

int blob_load(struct blob *b, struct task *t, const struct arg_desc *a, int i);
void blob_free(struct blob *b);
const struct blob *compared_data(const struct vset *set, int i);
bool blob_same(const struct blob *x, const struct blob *y);
bool arg_has_input(const struct arg_desc *a);
long blob_len_arg(const struct task *t, const struct arg_desc *a);
ssize_t iov_total(pid_t pid, uint64_t iov, long cnt, struct iovec **out);

#endif
