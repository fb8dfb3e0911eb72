/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

#include "health/health-config.h"
#include "profile/profile.h"

/* Overrides cfg with the keys of the profile's [health] section. Errors
 * (unknown key, bad value) name FILE:LINE in *ret_error; -EINVAL. */
int profile_health_config(const struct profile *p, struct health_config *cfg, char **ret_error);
/* Whether a check id exists (the registry, src/health/registry.c). */
bool health_check_known(const char *id);
