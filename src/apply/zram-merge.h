/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
#include "sysroot.h"

/* Both knobs are zram views of the same device ("zram:zram1:..."). */
bool apply_same_zram_dev(const char *a, const char *b);
/* Within each device: algorithm, then size, then swap (a swap priority
 * before the device has a size is refused by the kernel). Otherwise keeps
 * the order. */
void apply_order_zram(const struct plan_item **v, size_t n);
/* The device's new composite state for the n items of one device (adjacent
 * after apply_order_zram), and its knob ID in *ret_knob; NULL when the
 * current state cannot be read (then apply the items one by one). */
char *apply_zram_compose(struct sysroot *sr, const struct plan_item *const *v, size_t n, char **ret_knob);
