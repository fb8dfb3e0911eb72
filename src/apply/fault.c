/* SPDX-License-Identifier: MIT */
#include "apply/fault.h"

#ifdef VPSTUNE_FAULT_INJECTION
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static unsigned step;

void fault_point(const char *name) {
        const char *e = getenv("VPSTUNE_CRASH_AT");
        unsigned at;

        step++;
        log_debug_topic("fault", "fault point %u (%s)", step, name);
        if (e && safe_atou(e, &at) == 0 && at == step)
                (void) kill(getpid(), SIGKILL);
}

unsigned fault_count(void) {
        return step;
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int fault_unused_t;
#endif
