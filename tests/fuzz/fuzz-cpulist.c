/* SPDX-License-Identifier: MIT */
/* libFuzzer: facts_parse_cpu_list() (sysfs "0-3,5,7-8"). */
#include "facts/facts.h"
#include "fuzz-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = as_text(data, size);
        unsigned n;

        if (facts_parse_cpu_list(text, &n) == 0 && n > (1u << 20))
                abort(); /* the documented cap */
        free(text);
        return 0;
}
