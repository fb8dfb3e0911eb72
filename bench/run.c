/* SPDX-License-Identifier: MIT */
/*
 * bench-run: times commands the way the kernel accounts them, without a
 * shell's clock in the measurement. For each run it forks, execs the
 * command with stdin, stdout and stderr on /dev/null, and waits with
 * wait4(): the time printed is CLOCK_MONOTONIC from just before fork() to
 * just after wait4() returns, the memory is the child's ru_maxrss.
 *
 *   bench-run [-n RUNS] [-w WARMUP] CMD [ARG...] [-- CMD2 [ARG...]]
 *
 * prints one line per run, "USEC MAXRSS_KIB EXIT CPU_USEC" (CPU_USEC: the
 * child's user + system time, which a loaded machine disturbs less than
 * the wall clock), or with a second command one line per pair, the same
 * four fields for A then for B,
 * A and B alternating (A B A B ...) so that drift in machine load hits
 * both alike. WARMUP runs (default 2) of each are not printed. Exits 1 when
 * a command cannot be started, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct result {
        long long usec, cpu_usec;
        long maxrss_kib;
        int exit;
};

static long long now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int run_once(char **argv, struct result *ret) {
        struct rusage ru;
        long long t0, t1;
        int status;
        pid_t pid;

        t0 = now_usec();
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                int fd = open("/dev/null", O_RDWR);
                if (fd >= 0) {
                        dup2(fd, 0);
                        dup2(fd, 1);
                        dup2(fd, 2);
                }
                execvp(argv[0], argv);
                _exit(127);
        }
        if (wait4(pid, &status, 0, &ru) < 0)
                return -errno;
        t1 = now_usec();
        ret->usec = t1 - t0;
        ret->maxrss_kib = ru.ru_maxrss;
        ret->cpu_usec = (long long) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec +
                        ru.ru_stime.tv_usec;
        ret->exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return ret->exit == 127 ? -ENOENT : 0;
}

int main(int argc, char **argv) {
        long runs = 1, warmup = 2;
        char **a, **b = NULL;
        int c;

        while ((c = getopt(argc, argv, "+n:w:h")) != -1)
                switch (c) {
                case 'n':
                        runs = strtol(optarg, NULL, 10);
                        break;
                case 'w':
                        warmup = strtol(optarg, NULL, 10);
                        break;
                case 'h':
                        printf("Usage: bench-run [-n RUNS] [-w WARMUP] CMD [ARG...] [-- CMD2 [ARG...]]\n");
                        return 0;
                default:
                        return 2;
                }
        if (optind >= argc || runs < 1 || warmup < 0) {
                fprintf(stderr, "bench-run: usage: bench-run [-n RUNS] [-w WARMUP] CMD [ARG...] [-- CMD2 ...]\n");
                return 2;
        }
        a = argv + optind;
        for (char **p = a; *p; p++)
                if (strcmp(*p, "--") == 0) {
                        *p = NULL;
                        b = p + 1;
                        if (!*b) {
                                fprintf(stderr, "bench-run: nothing after --\n");
                                return 2;
                        }
                        break;
                }
        for (long i = -warmup; i < runs; i++) {
                struct result ra, rb;
                if (run_once(a, &ra) < 0) {
                        fprintf(stderr, "bench-run: %s: cannot run\n", a[0]);
                        return 1;
                }
                if (b && run_once(b, &rb) < 0) {
                        fprintf(stderr, "bench-run: %s: cannot run\n", b[0]);
                        return 1;
                }
                if (i < 0)
                        continue;
                if (b)
                        printf("%lld %ld %d %lld %lld %ld %d %lld\n", ra.usec, ra.maxrss_kib, ra.exit, ra.cpu_usec,
                               rb.usec, rb.maxrss_kib, rb.exit, rb.cpu_usec);
                else
                        printf("%lld %ld %d %lld\n", ra.usec, ra.maxrss_kib, ra.exit, ra.cpu_usec);
        }
        return fflush(stdout) == 0 ? 0 : 1;
}
