/* SPDX-License-Identifier: MIT */
/* STUB: to be written. */
#include <errno.h>
#include "facts/facts.h"

void facts_collect_virt(struct sysroot *sr, struct facts *f) { (void) sr; (void) f; }

