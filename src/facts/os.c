/* SPDX-License-Identifier: MIT */
/* STUB: to be written. */
#include <errno.h>
#include "facts/facts.h"

int facts_parse_os_release(const char *text, struct os_facts *ret) { (void) text; (void) ret; return -ENOSYS; }

void facts_collect_os(struct sysroot *sr, struct facts *f) { (void) sr; (void) f; }

