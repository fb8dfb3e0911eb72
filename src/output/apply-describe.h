/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

#include "apply/apply.h"
#include "facts/facts.h"

/* "would write 'mq-deadline' to /sys/block/sda/queue/scheduler (block:sda:
 * scheduler, now 'none')". root: the --root given (paths are shown under it
 * when not live). */
char *apply_describe_write(const char *root, bool live, const struct facts *f, const char *knob, const char *target,
                           const struct apply_result *r);
