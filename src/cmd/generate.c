/* SPDX-License-Identifier: MIT */
#include "cmd/cmd.h"
#include "log.h"

/* Not built yet: says so and exits 2 (usage), never pretends. */
CMD(generate) {
        (void) ctx;
        (void) argc;
        (void) argv;
        log_error("'generate' is not implemented yet in this version");
        return EXIT_USAGE;
}
