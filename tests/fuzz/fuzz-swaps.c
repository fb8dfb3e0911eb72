/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_swaps() (/proc/swaps). */
#include "facts/facts.h"
#include "fuzz-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = as_text(data, size);
        struct swap_entry *l;
        size_t n;

        if (facts_parse_swaps(text, &l, &n) == 0) {
                for (size_t i = 0; i < n; i++) {
                        if (!l[i].filename || !l[i].type)
                                abort();
                        swap_entry_done(&l[i]);
                }
                free(l);
        }
        free(text);
        return 0;
}
