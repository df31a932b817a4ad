/* Picks exactly one "winner" among variants through a MAP_SHARED file flag in the current directory. */
#ifndef CHORUS_TEST_WINNER_H
#define CHORUS_TEST_WINNER_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Every variant opens (creating it if needed) the same file, maps it shared
 * and tries to flip a flag from 0 to 1 atomically. Only the first succeeds,
 * so exactly one variant returns 1. Run natively, the single process always
 * wins.
 */
static int am_winner(void)
{
    int fd = open("race.flag", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror("open race.flag");
        exit(2);
    }
    if (ftruncate(fd, 4096) != 0) {
        perror("ftruncate race.flag");
        exit(2);
    }
    int *flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (flag == MAP_FAILED) {
        perror("mmap race.flag");
        exit(2);
    }
    close(fd);
    return __sync_bool_compare_and_swap(flag, 0, 1);
}

/*
 * A file of 1280 zero bytes, made in the current directory and open for
 * reading and writing at its start, for reads the variants make in step.
 */
static inline int zero_file(void)
{
    char block[64] = { 0 };
    int fd = open("data.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);

    for (int i = 0; i < 20; i++)
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
            exit(2);
    if (lseek(fd, 0, SEEK_SET) != 0)
        exit(2);
    return fd;
}

#endif
