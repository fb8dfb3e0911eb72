/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_meminfo() (/proc/meminfo). */
#include "facts/facts.h"
#include "fuzz-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = as_text(data, size);
        struct mem_facts m;

        (void) facts_parse_meminfo(text, &m);
        free(text);
        return 0;
}
