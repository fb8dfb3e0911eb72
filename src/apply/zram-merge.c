/* SPDX-License-Identifier: MIT */
/*
 * A zram device's plan items, put in the order the kernel needs and merged
 * into one write of the device's composite state (src/knobs/knob.h): every
 * change of a zram device means swapoff, reset and redo, so one write does
 * it once instead of once per item.
 */
#include "apply/zram-merge.h"

#include "knobs/knob.h"
#include "util.h"

/* zram views of one device must go algorithm, size, swap: a swap
 * priority before the device has a size is refused by the kernel. Keeps
 * the plan's order otherwise (a pure reordering within each device). */
static int zram_rank(const char *knob) {
        const char *f = strrchr(knob, ':');
        return !f ? 0 : streq(f, ":comp_algorithm") ? 1 : streq(f, ":disksize") ? 2 : streq(f, ":swap") ? 3 : 0;
}

bool apply_same_zram_dev(const char *a, const char *b) {
        const char *ea = strrchr(a, ':'), *eb = strrchr(b, ':');
        return startswith(a, "zram:") && startswith(b, "zram:") && ea && eb && ea - a == eb - b &&
               strncmp(a, b, (size_t) (ea - a)) == 0;
}

void apply_order_zram(const struct plan_item **v, size_t n) {
        for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0; j--) {
                        const struct plan_item *a = v[j - 1], *b = v[j];
                        /* Bubble b back over same-device items of higher rank only. */
                        size_t k = j;
                        if (!apply_same_zram_dev(a->knob, b->knob) || zram_rank(a->knob) <= zram_rank(b->knob))
                                break;
                        v[k - 1] = b;
                        v[k] = a;
                }
}

/* One zram device's items (algorithm, size, swap) become one write of its
 * composite state (knob.h): the device is reset once, not once per item,
 * and a swap that holds pages is swapped off once. Returns the new state
 * string, or NULL when the current state cannot be read (then the items go
 * one by one, as before). */
char *apply_zram_compose(struct sysroot *sr, const struct plan_item *const *v, size_t n, char **ret_knob) {
        const char *key = strchr(v[0]->knob, ':') + 1, *c = strrchr(key, ':');
        _cleanup_free_ char *dev = xstrndup(key, (size_t) (c - key));
        _cleanup_free_ char *state_knob = xasprintf("zram:%s:state", dev);
        _cleanup_free_ char *cur = NULL, *algo = NULL, *size = NULL, *swap = NULL, *prio = NULL;
        _cleanup_strv_ char **fields = NULL;

        if (knob_read(sr, state_knob, &cur) < 0 || !cur)
                return NULL;
        fields = strv_split(cur, ",");
        for (char **f = fields; *f; f++) {
                const char *val;
                if ((val = startswith(*f, "algo=")))
                        algo = xstrdup(val);
                else if ((val = startswith(*f, "disksize=")))
                        size = xstrdup(val);
                else if ((val = startswith(*f, "swap=")))
                        swap = xstrdup(val);
                else if ((val = startswith(*f, "prio=")))
                        prio = xstrdup(val);
        }
        for (size_t i = 0; i < n; i++) {
                const char *field = strrchr(v[i]->knob, ':') + 1, *t = v[i]->target;
                if (streq(field, "comp_algorithm"))
                        algo = (free(algo), xstrdup(t));
                else if (streq(field, "disksize")) {
                        char *norm = NULL;
                        if (knob_normalize(v[i]->knob, t, &norm) < 0)
                                return NULL;
                        free(size);
                        size = norm ? norm : xstrdup(t);
                } else if (streq(field, "swap")) {
                        free(swap);
                        free(prio);
                        swap = xstrdup(streq(t, "off") ? "off" : "on");
                        prio = streq(t, "off") ? NULL : xstrdup(streq(t, "on") ? "auto" : t);
                } else
                        return NULL;
        }
        if (!algo || !size || !swap)
                return NULL;
        *ret_knob = TAKE_PTR(state_knob);
        if (streq(swap, "on"))
                return xasprintf("algo=%s,disksize=%s,swap=on,prio=%s", algo, size, prio ? prio : "auto");
        return xasprintf("algo=%s,disksize=%s,swap=off", algo, size);
}
