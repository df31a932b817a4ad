/* System and resource queries: uname, sysinfo, getrlimit/setrlimit/prlimit, getrusage, times, sysconf. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>

int main(void)
{
    struct utsname u;
    CHECK_SYS(uname(&u));
    CHECK(strcmp(u.sysname, "Linux") == 0);
    CHECK(strcmp(u.machine, "x86_64") == 0);
    CHECK(u.release[0] >= '2' && u.release[0] <= '9');
    CHECK(strlen(u.nodename) > 0);
    printf("uname: %s %s\n", u.sysname, u.machine);

    struct sysinfo si;
    CHECK_SYS(sysinfo(&si));
    CHECK(si.uptime > 0);
    CHECK(si.mem_unit >= 1);
    CHECK(si.totalram > 0 && si.freeram <= si.totalram);
    CHECK(si.procs > 0);
    CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1);
    CHECK(sysconf(_SC_CLK_TCK) == 100);

    /* getrlimit and prlimit agree; lowering the fd limit is enforced. */
    struct rlimit rl, pl;
    CHECK_SYS(getrlimit(RLIMIT_NOFILE, &rl));
    CHECK(rl.rlim_cur <= rl.rlim_max);
    CHECK_SYS(prlimit(0, RLIMIT_NOFILE, NULL, &pl));
    CHECK(pl.rlim_cur == rl.rlim_cur && pl.rlim_max == rl.rlim_max);
    CHECK(rl.rlim_cur >= 64);
    struct rlimit low = { 64, rl.rlim_max };
    CHECK_SYS(setrlimit(RLIMIT_NOFILE, &low));
    CHECK_SYS(getrlimit(RLIMIT_NOFILE, &pl));
    CHECK(pl.rlim_cur == 64);
    CHECK(getdtablesize() == 64);
    CHECK_ERR(dup2(0, 64), EBADF);
    CHECK(dup2(0, 63) == 63);
    CHECK_SYS(close(63));
    CHECK_SYS(prlimit(getpid(), RLIMIT_NOFILE, &rl, &pl));
    CHECK(pl.rlim_cur == 64);
    CHECK_SYS(getrlimit(RLIMIT_NOFILE, &pl));
    CHECK(pl.rlim_cur == rl.rlim_cur);
    struct rlimit bad = { 10, 5 };
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);

    /* Core size limit round trip. */
    struct rlimit core, core0 = { 0, 0 };
    CHECK_SYS(getrlimit(RLIMIT_CORE, &core));
    core0.rlim_max = core.rlim_max;
    CHECK_SYS(prlimit(0, RLIMIT_CORE, &core0, NULL));
    CHECK_SYS(getrlimit(RLIMIT_CORE, &pl));
    CHECK(pl.rlim_cur == 0);
    CHECK_SYS(setrlimit(RLIMIT_CORE, &core));
    CHECK_SYS(getrlimit(RLIMIT_STACK, &pl));
    CHECK(pl.rlim_cur > 0);

    /* Burn a little CPU and see it in getrusage and times. */
    volatile uint64_t x = 0;
    for (uint64_t i = 0; i < 20000000; i++)
        x += i;
    CHECK(x == 20000000ULL * 19999999ULL / 2);
    struct rusage ru;
    CHECK_SYS(getrusage(RUSAGE_SELF, &ru));
    CHECK(ru.ru_maxrss > 0);
    CHECK(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
    CHECK(ru.ru_utime.tv_sec < 30);
    CHECK_SYS(getrusage(RUSAGE_CHILDREN, &ru));
    CHECK_SYS(getrusage(RUSAGE_THREAD, &ru));
    CHECK_ERR(getrusage(12345, &ru), EINVAL);
    struct tms tm;
    clock_t c = times(&tm);
    CHECK(c != (clock_t)-1);
    CHECK(tm.tms_utime >= 0 && tm.tms_stime >= 0);
    CHECK(tm.tms_utime + tm.tms_stime < 3000);

    printf("resource queries are consistent\n");
    pass("sysinfo");
    return 0;
}
