/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_swaps() (/proc/swaps). */
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
