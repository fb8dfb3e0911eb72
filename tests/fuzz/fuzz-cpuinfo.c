/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_cpuinfo() (/proc/cpuinfo, x86 and arm64 layouts). */
#include "facts/facts.h"
#include "fuzz-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = as_text(data, size);
        struct cpu_facts c;

        if (facts_parse_cpuinfo(text, &c) == 0) {
                if (c.microarch && !c.vendor)
                        abort(); /* a name always comes from a vendor table */
                cpu_facts_done(&c);
        }
        free(text);
        return 0;
}
