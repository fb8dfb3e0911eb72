/* SPDX-License-Identifier: MIT */
/* STUB: to be written. */
#include <errno.h>
#include "facts/facts.h"

int facts_parse_cpuinfo(const char *text, struct cpu_facts *ret) { (void) text; (void) ret; return -ENOSYS; }

int facts_parse_cpu_list(const char *text, unsigned *ret_count) { (void) text; (void) ret_count; return -ENOSYS; }

void facts_collect_cpu(struct sysroot *sr, struct facts *f) { (void) sr; (void) f; }

