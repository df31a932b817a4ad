/*
 * /proc paths by the ids the program sees: /proc/PID/... with its own pid
 * and /proc/self/task/TID/... with a thread's tid (pthread_setname_np and
 * pthread_getname_np on another thread open /proc/self/task/TID/comm);
 * a thread's /proc/thread-self/stat and status show its own tid and pid.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>

static pthread_barrier_t named, done;
static pid_t worker_tid;
static long worker_stat_tid, worker_status_pid, worker_status_tgid;

/* The text of path (up to len - 1 bytes), NUL-terminated. */
static void read_text(const char *path, char *buf, size_t len)
{
    int fd;
    ssize_t n;

    CHECK_SYS(fd = open(path, O_RDONLY));
    CHECK_SYS(n = read(fd, buf, len - 1));
    buf[n] = 0;
    CHECK_SYS(close(fd));
}

/* The first line of path, without its newline. */
static void first_line(const char *path, char *buf, size_t len)
{
    read_text(path, buf, len);
    buf[strcspn(buf, "\n")] = 0;
}

/* The number after key in path's text, or the first number there if key is NULL. */
static long number_in(const char *path, const char *key)
{
    char buf[4096], *at = buf;

    read_text(path, buf, sizeof(buf));
    if (key) {
        CHECK((at = strstr(buf, key)) != NULL);
        at += strlen(key);
    }
    return atol(at);
}

static void *worker(void *arg)
{
    (void)arg;
    worker_tid = gettid();
    worker_stat_tid = number_in("/proc/thread-self/stat", NULL);
    worker_status_pid = number_in("/proc/thread-self/status", "\nPid:\t");
    worker_status_tgid = number_in("/proc/thread-self/status", "\nTgid:\t");
    pthread_barrier_wait(&named); /* the main thread names this thread */
    pthread_barrier_wait(&done);
    return NULL;
}

int main(void)
{
    char path[128], buf[PATH_MAX], name[16];
    pthread_t t;
    struct stat st;
    ssize_t n;

    CHECK(pthread_barrier_init(&named, NULL, 2) == 0);
    CHECK(pthread_barrier_init(&done, NULL, 2) == 0);
    CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
    pthread_barrier_wait(&named);

    CHECK(pthread_setname_np(t, "worker-1") == 0);
    CHECK(pthread_getname_np(t, name, sizeof(name)) == 0);
    printf("thread name: %s\n", name);
    snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", getpid(), worker_tid);
    first_line(path, buf, sizeof(buf));
    printf("by /proc/PID/task/TID: %s\n", buf);

    snprintf(path, sizeof(path), "/proc/%d/comm", getpid());
    first_line(path, buf, sizeof(buf));
    CHECK(buf[0] != 0); /* the program's name, which a variant build has of its own */
    printf("own comm read\n");
    snprintf(path, sizeof(path), "/proc/%d/exe", getpid());
    CHECK_SYS(n = readlink(path, buf, sizeof(buf) - 1));
    buf[n] = 0;
    CHECK(buf[0] == '/' && strstr(buf, "proc_ids") != NULL);
    printf("own exe read\n");
    snprintf(path, sizeof(path), "/proc/%d/task/%d", getpid(), worker_tid);
    CHECK_SYS(stat(path, &st));
    printf("task directory: %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");
    snprintf(path, sizeof(path), "/proc/%d/status", getpid());
    CHECK(number_in(path, "\nPid:\t") == getpid());
    printf("status shows its own pid\n");
    CHECK(worker_stat_tid == worker_tid);
    CHECK(worker_status_pid == worker_tid && worker_status_tgid == getpid());
    printf("a thread's stat and status show its tid and pid\n");

    pthread_barrier_wait(&done);
    CHECK(pthread_join(t, NULL) == 0);
    pass("proc_ids");
    return 0;
}
