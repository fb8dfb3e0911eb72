/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_os_release() (os-release(5) shell quoting). */
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
        struct os_facts o;

        if (facts_parse_os_release(text, &o) == 0)
                os_facts_done(&o);
        free(text);
        return 0;
}
