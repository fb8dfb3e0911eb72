/* SPDX-License-Identifier: MIT */
/*
 * The few read-only questions only another program can answer (podman's
 * live storage driver). posix_spawn, no shell, bounded output and time.
 */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

int exec_find(const char *name) {
        const char *path = getenv("PATH");
        _cleanup_strv_ char **dirs = strv_split(path ? path : "/usr/bin:/bin", ":");
        for (char **d = dirs; *d; d++) {
                _cleanup_free_ char *p = xasprintf("%s/%s", *d, name);
                if (access(p, X_OK) == 0)
                        return 0;
        }
        return -ENOENT;
}

static long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int exec_capture(char *const argv[], int timeout_ms, char **ret_stdout) {
        posix_spawn_file_actions_t fa;
        int pipefd[2], status = 0, r;
        size_t cap = 65536, len = 0;
        _cleanup_free_ char *buf = NULL;
        long deadline = now_ms() + timeout_ms;
        pid_t pid;

        if (exec_find(argv[0]) < 0)
                return -ENOENT;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(pipefd[1]);
        if (r != 0) {
                close(pipefd[0]);
                return -r;
        }
        buf = xmalloc(cap + 1);
        for (;;) {
                struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
                long left = deadline - now_ms();
                ssize_t n;
                if (left <= 0) {
                        kill(pid, SIGKILL);
                        waitpid(pid, NULL, 0);
                        close(pipefd[0]);
                        return -ETIME;
                }
                if (poll(&p, 1, (int) left) <= 0)
                        continue;
                n = read(pipefd[0], buf + len, cap - len);
                if (n <= 0)
                        break;
                len += (size_t) n;
                if (len == cap)
                        break;
        }
        close(pipefd[0]);
        if (waitpid(pid, &status, 0) < 0)
                return -errno;
        buf[len] = '\0';
        if (ret_stdout)
                *ret_stdout = TAKE_PTR(buf);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
