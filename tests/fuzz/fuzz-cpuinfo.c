/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_cpuinfo() (/proc/cpuinfo, x86 and arm64 layouts). */
#include <stddef.h>
#include <stdint.h>

#include "facts/facts.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* As sysroot_read_file() hands text to the parsers: NUL-terminated, with
 * embedded NULs turned into spaces. */
static char *as_text(const uint8_t *data, size_t size) {
        char *text = xmalloc(size + 1);

        memcpy(text, data, size);
        for (size_t i = 0; i < size; i++)
                if (text[i] == '\0')
                        text[i] = ' ';
        text[size] = '\0';
        return text;
}

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
