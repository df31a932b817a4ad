/* Process identity consistency: getpid/gettid/getppid/ids against /proc/self/stat, /proc/self/status and /proc/self. */
#define _GNU_SOURCE
#include "check.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>

/* Value of the first number after "Key:" in /proc/self/status. */
static long status_field(const char *status, const char *key, int index)
{
    size_t klen = strlen(key);
    for (const char *line = status; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            const char *p = line + klen + 1;
            long v = -1;
            for (int i = 0; i <= index; i++) {
                char *end;
                v = strtol(p, &end, 10);
                CHECK(end != p);
                p = end;
            }
            return v;
        }
    }
    fprintf(stderr, "no %s in /proc/self/status\n", key);
    exit(1);
}

int main(void)
{
    pid_t pid = getpid();
    pid_t tid = (pid_t)syscall(SYS_gettid);
    pid_t ppid = getppid();
    CHECK(pid > 0);
    CHECK(tid == pid);
    CHECK(gettid() == pid);
    CHECK(ppid > 0 && ppid != pid);
    CHECK(getpid() == pid && getppid() == ppid);

    /* /proc/self/stat: "pid (comm) state ppid pgrp session ..." */
    char *stat = read_whole_file("/proc/self/stat", NULL);
    CHECK(stat != NULL);
    CHECK(atol(stat) == pid);
    char *rp = strrchr(stat, ')');
    CHECK(rp != NULL);
    char state;
    long s_ppid, s_pgrp, s_session;
    CHECK(sscanf(rp + 1, " %c %ld %ld %ld", &state, &s_ppid, &s_pgrp, &s_session) == 4);
    CHECK(state == 'R');
    CHECK(s_ppid == ppid);
    CHECK(s_pgrp == getpgrp());
    CHECK(s_session == getsid(0));
    free(stat);

    /* /proc/self/status agrees on ids. */
    char *st = read_whole_file("/proc/self/status", NULL);
    CHECK(st != NULL);
    CHECK(status_field(st, "Pid", 0) == pid);
    CHECK(status_field(st, "Tgid", 0) == pid);
    CHECK(status_field(st, "PPid", 0) == ppid);
    CHECK(status_field(st, "Uid", 0) == (long)getuid());
    CHECK(status_field(st, "Uid", 1) == (long)geteuid());
    CHECK(status_field(st, "Gid", 0) == (long)getgid());
    CHECK(status_field(st, "Gid", 1) == (long)getegid());
    CHECK(status_field(st, "Threads", 0) == 1);
    free(st);

    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    CHECK_SYS(getresuid(&ru, &eu, &su));
    CHECK(ru == getuid() && eu == geteuid());
    CHECK_SYS(getresgid(&rg, &eg, &sg));
    CHECK(rg == getgid() && eg == getegid());
    int ng = getgroups(0, NULL);
    CHECK(ng >= 0);

    /* /proc/self names our pid; /proc/<pid> is us. */
    char link[64], want[64];
    ssize_t n = readlink("/proc/self", link, sizeof link - 1);
    CHECK(n > 0);
    link[n] = '\0';
    snprintf(want, sizeof want, "%d", (int)pid);
    CHECK(strcmp(link, want) == 0);
    snprintf(want, sizeof want, "/proc/%d/stat", (int)pid);
    char *stat2 = read_whole_file(want, NULL);
    CHECK(stat2 != NULL && atol(stat2) == pid);
    free(stat2);

    /* Process group and session, and signalling ourselves with 0. */
    CHECK(getpgid(0) == getpgrp());
    CHECK(getsid(0) >= 0 && getsid(0) == getsid(pid));
    CHECK_SYS(kill(pid, 0));
    CHECK_SYS(syscall(SYS_tgkill, pid, tid, 0));

    printf("pid, tid, ppid and /proc agree\n");
    pass("ids");
    return 0;
}
