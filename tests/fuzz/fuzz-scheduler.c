/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_scheduler() (queue/scheduler, zram comp_algorithm). */
#include <stddef.h>
#include <stdint.h>

#include "facts/facts.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = xstrndup((const char *) data, size);
        char *active = NULL, **list = NULL;

        if (facts_parse_scheduler(text, &active, &list) == 0) {
                if (active && !strv_contains(list, active))
                        abort(); /* the active one is always offered */
                free(active);
                strv_free(list);
        }
        free(text);
        return 0;
}
