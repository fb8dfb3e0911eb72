/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_os_release() (os-release(5) shell quoting). */
#include "facts/facts.h"
#include "fuzz-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = as_text(data, size);
        struct os_facts o;

        if (facts_parse_os_release(text, &o) == 0)
                os_facts_done(&o);
        free(text);
        return 0;
}
