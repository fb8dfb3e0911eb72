/* SPDX-License-Identifier: MIT */
/* STUB: to be written. */
#include <errno.h>
#include "facts/facts.h"

const char *facts_microarch(const char *vendor, int family, int model) { (void) vendor; (void) family; (void) model; return NULL; }

