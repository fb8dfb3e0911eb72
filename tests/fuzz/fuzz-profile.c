/* SPDX-License-Identifier: MIT */
/* Profile text from bytes: INI rules, units, variables, functions, merging
 * with built-ins through include=. Nothing is read from disk. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "profile/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static struct facts f;
        struct profile_env env = { .facts = &f };
        struct profile *p = NULL;
        char *err = NULL;

        f.virt.vm = (char *) "kvm";
        f.cpu.count = 8;
        f.mem.total_bytes = 24002ull << 20;
        if (profile_parse_buffer("fuzz.conf", (const char *) data, size, &env, &p, &err) >= 0) {
                struct expr_vars vars = { .ram = 24002, .cpus = 8 };
                for (size_t i = 0; i < p->n_units; i++) {
                        const struct profile_unit *u = &p->units[i];
                        (void) profile_devices_match(u->devices, "sda");
                        for (size_t k = 0; k < u->n_entries; k++) {
                                double v;
                                char *e = NULL;
                                if (profile_unit_eval(u, u->entries[k].key, &vars, &v, &e) < 0)
                                        free(e);
                        }
                }
                profile_free(p);
        } else
                free(err);
        return 0;
}
