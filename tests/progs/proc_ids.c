/*
 * /proc paths by the ids the program sees: /proc/PID/... with its own pid
 * and /proc/self/task/TID/... with a thread's tid (pthread_setname_np and
 * pthread_getname_np on another thread open /proc/self/task/TID/comm);
 * a thread's /proc/thread-self/stat and status show its own tid and pid;
 * a child's stat and status show its parent's pid, its own process group
 * once it has one, and no tracer.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

static pthread_barrier_t named, done;
static pid_t worker_tid;
static long worker_stat_tid, worker_status_pid, worker_status_tgid;

/*
 * The text of path (up to len - 1 bytes), NUL-terminated, read to its end
 * as python reads a file: the second read asks for the room left, which
 * differs between the variants when the text has their addresses.
 */
static void read_text(const char *path, char *buf, size_t len)
{
    size_t got = 0;
    ssize_t n;
    int fd;

    CHECK_SYS(fd = open(path, O_RDONLY));
    while ((n = read(fd, buf + got, len - 1 - got)) > 0)
        got += (size_t)n;
    CHECK_SYS(n);
    buf[got] = 0;
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

/* Field k (from 1) of /proc/self/stat, a number after the command's name. */
static long stat_field(int k)
{
    char buf[4096], *at;

    read_text("/proc/self/stat", buf, sizeof(buf));
    CHECK((at = strrchr(buf, ')')) != NULL);
    for (int f = 2; f < k; f++)
        CHECK((at = strchr(at + 1, ' ')) != NULL);
    return atol(at + 1);
}

/* In a child of the program: its parent's pid, then its own process group and session. */
static void child_ids(void)
{
    pid_t pid = fork();
    int status;

    CHECK_SYS(pid);
    if (pid == 0) {
        CHECK(stat_field(4) == getppid());
        CHECK(number_in("/proc/self/status", "\nPPid:\t") == getppid());
        CHECK(number_in("/proc/self/status", "\nTracerPid:\t") == 0);
        CHECK_SYS(setsid());
        CHECK(stat_field(5) == getpid() && stat_field(6) == getpid());
        CHECK(number_in("/proc/self/status", "\nNSpgid:\t") == getpid());
        CHECK(number_in("/proc/self/status", "\nNSsid:\t") == getpid());
        _exit(0);
    }
    CHECK_SYS(waitpid(pid, &status, 0));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("a child's stat and status show its parent, its group and session, no tracer\n");
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
    fflush(stdout);
    child_ids();
    pass("proc_ids");
    return 0;
}
