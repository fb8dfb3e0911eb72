/* SPDX-License-Identifier: MIT */
/* zram-generator style expressions, and devices= rules and the regex
 * translation on the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);
        struct expr_vars vars = { .ram = 24002, .cpus = 8 };
        double v;
        char *err = NULL;
        bool m;

        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        if (profile_expr_eval(s, &vars, &v, &err) < 0)
                free(err);
        (void) profile_devices_match(s, "sda");
        err = NULL;
        if (profile_regex_search(s, "model name\t: AMD EPYC\nflags\t: hypervisor\n", true, &m, &err) < 0)
                free(err);
        free(s);
        return 0;
}
