/* SPDX-License-Identifier: MIT */
/* STUB: to be written. */
#include <errno.h>
#include "facts/facts.h"

int facts_parse_scheduler(const char *text, char **ret_active, char ***ret_list) { (void) text; (void) ret_active; (void) ret_list; return -ENOSYS; }

void facts_collect_block(struct sysroot *sr, struct facts *f) { (void) sr; (void) f; }

