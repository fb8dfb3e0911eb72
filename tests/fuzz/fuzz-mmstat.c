/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_mm_stat() (zram mm_stat). */
#include "facts/facts.h"
#include "fuzz-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = as_text(data, size);
        struct zram_facts z = {};

        if (facts_parse_mm_stat(text, &z) == 0 && !z.have_mm_stat)
                abort();
        zram_facts_done(&z);
        free(text);
        return 0;
}
