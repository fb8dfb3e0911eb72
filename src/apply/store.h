/* SPDX-License-Identifier: MIT */
#pragma once

#include "sysroot.h"

/* 1 and what was found when the store at graphroot (storage.conf's, else
 * /var/lib/containers/storage) holds images, layers or containers of any
 * driver; 0 when it is empty or missing. *ret_graphroot is set either way. */
int containers_store_has_data(struct sysroot *sr, char **ret_graphroot, char **ret_found);
