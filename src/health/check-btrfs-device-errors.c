/* SPDX-License-Identifier: MIT */
/*
 * btrfs.device_errors: each device's error counters (sysfs
 * devinfo/DEVID/error_stats, kernel 5.14+; the same counters `btrfs device
 * stats` reads by ioctl). The counters never go down by themselves, so a
 * non-zero counter alone is history (warning); an increase over the
 * counters last acknowledged is news (critical) until `--ack
 * btrfs.device_errors` accepts today's values. The first run records its
 * counters as the baseline. check_btrfs's mistake, non-zero = CRITICAL
 * forever, is what this avoids.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "health/health.h"
#include "util.h"

#define SECTION "btrfs.device_errors"

static const char *const names[] = { "write_errs", "read_errs", "flush_errs", "corruption_errs", "generation_errs" };

int health_parse_error_stats(const char *text, struct error_stats *ret) {
        uint64_t *dst[] = { &ret->write_errs, &ret->read_errs, &ret->flush_errs, &ret->corruption_errs,
                            &ret->generation_errs };
        _cleanup_strv_ char **lines = strv_split(text, "\n");
        unsigned found = 0;

        *ret = (struct error_stats) {};
        for (char **l = lines; l && *l; l++) {
                _cleanup_strv_ char **w = strv_split(*l, " \t");
                uint64_t v;
                if (strv_length(w) != 2 || safe_atou64(w[1], &v) < 0)
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(names); i++)
                        if (streq(w[0], names[i])) {
                                *dst[i] = v;
                                found++;
                        }
        }
        return found > 0 ? 0 : -EINVAL;
}

static void run_fs(struct health_ctx *c, struct health_report *r, const struct health_btrfs *b) {
        for (char **d = b->devids; d && *d; d++) {
                _cleanup_free_ char *rel = xasprintf("fs/btrfs/%s/devinfo/%s/error_stats", b->uuid, *d);
                _cleanup_free_ char *text = NULL, *key = xasprintf("%s/%s", b->uuid, *d), *slug = NULL;
                _cleanup_free_ char *target = strv_length(b->devids) > 1 ? xasprintf("%s#%s", b->mountpoint, *d)
                                                                        : xstrdup(b->mountpoint);
                struct health_result *x = health_add(r, "btrfs.device_errors", target);
                struct error_stats es;
                uint64_t cur[5], total = 0, news = 0;
                bool have_base = true, reset = false;
                char *changes = NULL;

                slug = health_slug(target);
                x->perf_label = xasprintf("btrfs_dev_errors_%s", slug);
                if (sysroot_read_file(c->sr, SR_SYS, rel, 0, &text, NULL, NULL) < 0 ||
                    health_parse_error_stats(text, &es) < 0) {
                        health_set_summary(x, "no error_stats for device %s (kernel older than 5.14?)", *d);
                        health_set_remedy(x, "read them with `btrfs device stats %s`", b->mountpoint);
                        continue;
                }
                cur[0] = es.write_errs, cur[1] = es.read_errs, cur[2] = es.flush_errs;
                cur[3] = es.corruption_errs, cur[4] = es.generation_errs;
                for (size_t k = 0; k < ELEMENTSOF(names); k++) {
                        uint64_t base;
                        total += cur[k];
                        if (!health_state_get(c->state, SECTION, key, names[k], &base))
                                have_base = false;
                        else if (cur[k] > base) {
                                char *s = xasprintf("%s%s%s %" PRIu64 " -> %" PRIu64, strempty(changes),
                                                    changes ? ", " : "", names[k], base, cur[k]);
                                free(changes);
                                changes = s;
                                news += cur[k] - base;
                        } else if (cur[k] < base)
                                reset = true; /* btrfs device stats -z */
                }
                health_evidence(x, "%s: write %" PRIu64 " read %" PRIu64 " flush %" PRIu64 " corruption %" PRIu64
                                " generation %" PRIu64, rel, cur[0], cur[1], cur[2], cur[3], cur[4]);
                health_set_value(x, (double) total, "errors");
                if (!have_base || reset || health_acked(c, "btrfs.device_errors")) {
                        for (size_t k = 0; k < ELEMENTSOF(names); k++)
                                health_state_set(c->state, SECTION, key, names[k], cur[k]);
                        if (have_base && !reset && news > 0)
                                health_evidence(x, "acknowledged: %s", changes);
                        news = 0;
                }
                if (news > 0) {
                        x->status = HEALTH_CRITICAL;
                        health_set_summary(x, "%" PRIu64 " new device errors since they were last acknowledged (%s)",
                                           news, changes);
                        health_set_remedy(x, "find the cause: `journalctl -k | grep -i btrfs`, then `btrfs scrub "
                                          "start -B %s` to find damaged files; once handled, `vpstune health "
                                          "--ack btrfs.device_errors`", b->mountpoint);
                } else if (total > 0) {
                        x->status = HEALTH_WARNING;
                        health_set_summary(x, "%" PRIu64 " device errors recorded, none new", total);
                        health_set_remedy(x, "old errors: if they were dealt with, reset them with `btrfs device "
                                          "stats -z %s`; new ones will turn this critical", b->mountpoint);
                } else {
                        x->status = HEALTH_OK;
                        health_set_summary(x, "no device errors");
                }
                free(changes);
        }
        if (!b->devids || !*b->devids) {
                struct health_result *x = health_add(r, "btrfs.device_errors", b->mountpoint);
                health_set_summary(x, "no devinfo in sysfs for btrfs %s (kernel older than 5.14?)", b->uuid);
                health_set_remedy(x, "read them with `btrfs device stats %s`", b->mountpoint);
        }
}

const struct health_check health_check_btrfs_device_errors = {
        .id = "btrfs.device_errors",
        .description = "btrfs per-device error counters; new ones since the last --ack are critical",
        .run_btrfs = run_fs,
};
