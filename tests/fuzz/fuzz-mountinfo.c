/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_mountinfo() on arbitrary bytes (through libmount). */
#include <stddef.h>
#include <stdint.h>

#include "facts/facts.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct fs_facts *arr = NULL;
        size_t n = 0;
        /* The collector hands NUL-terminated bytes with NULs replaced;
         * fuzz the raw bytes anyway: the parser takes a length. */
        char *text = xmalloc(size + 1);

        memcpy(text, data, size);
        text[size] = '\0';
        if (facts_parse_mountinfo(text, size, &arr, &n) == 0) {
                for (size_t i = 0; i < n; i++)
                        fs_facts_done(&arr[i]);
                free(arr);
        }
        free(text);
        return 0;
}
