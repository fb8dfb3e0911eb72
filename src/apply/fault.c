/* SPDX-License-Identifier: MIT */
#include "apply/fault.h"

#ifdef VPSTUNE_FAULT_INJECTION
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static unsigned step;

/* VPSTUNE_PAUSE_AT=k with VPSTUNE_PAUSE_FILE=F: at step k create F and
 * wait (at most 60 s) until the test removes it — the test changes the
 * world in between (a device vanishes mid-apply). */
static void pause_here(void) {
        const char *f = getenv("VPSTUNE_PAUSE_FILE");
        int fd;

        if (!f)
                return;
        fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
                close(fd);
        for (unsigned i = 0; i < 600 && access(f, F_OK) == 0; i++)
                usleep(100 * 1000);
}

void fault_point(const char *name) {
        const char *e = getenv("VPSTUNE_CRASH_AT");
        const char *p = getenv("VPSTUNE_PAUSE_AT");
        unsigned at;

        step++;
        log_debug_topic("fault", "fault point %u (%s)", step, name);
        if (e && safe_atou(e, &at) == 0 && at == step)
                (void) kill(getpid(), SIGKILL);
        if (p && safe_atou(p, &at) == 0 && at == step)
                pause_here();
}

unsigned fault_count(void) {
        return step;
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int fault_unused_t;
#endif
