/* SPDX-License-Identifier: MIT */
/* STUB: to be written. */
#include <errno.h>
#include "facts/facts.h"

int facts_parse_meminfo(const char *text, struct mem_facts *ret) { (void) text; (void) ret; return -ENOSYS; }

int facts_parse_swaps(const char *text, struct swap_entry **ret, size_t *ret_n) { (void) text; (void) ret; (void) ret_n; return -ENOSYS; }

int facts_parse_mm_stat(const char *text, struct zram_facts *z) { (void) text; (void) z; return -ENOSYS; }

void facts_collect_memory(struct sysroot *sr, struct facts *f) { (void) sr; (void) f; }

