/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_cpu_list() (sysfs "0-3,5,7-8"). */
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
        unsigned n;

        if (facts_parse_cpu_list(text, &n) == 0 && n > (1u << 20))
                abort(); /* the documented cap */
        free(text);
        return 0;
}
