/* SPDX-License-Identifier: MIT */
/* libFuzzer: cc_find_refs() (check-config's finder) on arbitrary text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "checkconfig/finder.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct cc_ref *refs = NULL;
        size_t n = 0;

        if (size > CC_TEXT_MAX)
                return 0;
        cc_find_refs((const char *) data, size, &refs, &n);
        for (size_t i = 0; i < n; i++) {
                /* every reference lies inside the input, on a real line */
                if (refs[i].line == 0 || refs[i].column == 0 || refs[i].column > size || !refs[i].text ||
                    !refs[i].name || strlen(refs[i].text) > size)
                        abort();
        }
        cc_refs_free(refs, n);
        return 0;
}
