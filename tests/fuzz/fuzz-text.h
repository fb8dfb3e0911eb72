/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer targets of the text parsers. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* As sysroot_read_file() hands text to the parsers: NUL-terminated, with
 * embedded NULs turned into spaces. The caller frees. */
static inline char *as_text(const uint8_t *data, size_t size) {
        char *text = xmalloc(size + 1);

        memcpy(text, data, size);
        for (size_t i = 0; i < size; i++)
                if (text[i] == '\0')
                        text[i] = ' ';
        text[size] = '\0';
        return text;
}
