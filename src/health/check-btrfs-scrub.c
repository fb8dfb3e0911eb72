/* SPDX-License-Identifier: MIT */
/*
 * btrfs.scrub: the seed's weekly `btrfs scrub status`, judged: when did the
 * last scrub complete, and what did it find. btrfs-progs keeps its record
 * in /var/lib/btrfs/scrub.status.FSID:
 *
 *   scrub status:1
 *   FSID:DEVID|data_extents_scrubbed:153|...|t_start:1796152489|t_resumed:0|duration:0|canceled:0|finished:1
 *
 * Keys are read by name in any order and unknown ones are skipped, so
 * versions that add, drop or reorder fields parse alike (tested with 6.2's
 * file and one with fields 6.2 does not write). Completion = t_start +
 * duration of the last finished run, per device; the filesystem is as old as
 * its least recently scrubbed device.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "health/health.h"
#include "util.h"

int health_parse_scrub_status(const char *text, const char *fsid, struct scrub_status *ret) {
        _cleanup_strv_ char **lines = strv_split(text, "\n");
        struct scrub_status s = { .version = -1 };
        size_t flen = strlen(fsid);
        bool all_finished = true;

        if (!lines || !lines[0])
                return -EINVAL;
        {
                const char *v = startswith(lines[0], "scrub status:");
                if (!v || safe_atoi(v, &s.version) < 0)
                        return -EINVAL;
        }
        for (char **l = lines + 1; *l; l++) {
                _cleanup_strv_ char **f = NULL;
                uint64_t t_start = 0, duration = 0, finished = 0, canceled = 0;

                if (strncmp(*l, fsid, flen) != 0 || (*l)[flen] != ':')
                        continue;
                f = strv_split(*l + flen + 1, "|");
                if (!f || !f[0])
                        continue;
                s.found = true;
                s.n_devices++;
                for (char **kv = f + 1; *kv; kv++) {
                        static const struct {
                                const char *key;
                                size_t off;
                        } sums[] = {
#define S(k, m) { k, offsetof(struct scrub_status, m) }
                                S("data_bytes_scrubbed", data_bytes), S("tree_bytes_scrubbed", tree_bytes),
                                S("read_errors", read_errors), S("csum_errors", csum_errors),
                                S("verify_errors", verify_errors), S("super_errors", super_errors),
                                S("malloc_errors", malloc_errors), S("uncorrectable_errors", uncorrectable_errors),
                                S("corrected_errors", corrected_errors), S("unverified_errors", unverified_errors),
#undef S
                        };
                        char *colon = strchr(*kv, ':');
                        uint64_t v;
                        if (!colon || safe_atou64(colon + 1, &v) < 0)
                                continue;
                        *colon = '\0';
                        for (size_t i = 0; i < ELEMENTSOF(sums); i++)
                                if (streq(*kv, sums[i].key))
                                        *(uint64_t *) ((char *) &s + sums[i].off) += v;
                        if (streq(*kv, "t_start"))
                                t_start = v;
                        else if (streq(*kv, "duration"))
                                duration = v;
                        else if (streq(*kv, "finished"))
                                finished = v;
                        else if (streq(*kv, "canceled"))
                                canceled = v;
                }
                if (t_start > 0 && (s.t_start == 0 || (int64_t) t_start < s.t_start))
                        s.t_start = (int64_t) t_start;
                if (canceled)
                        s.canceled = true;
                else if (!finished)
                        s.running = true;
                if (finished && !canceled && t_start > 0) {
                        int64_t done = (int64_t) (t_start + duration);
                        /* the filesystem is as fresh as its stalest device */
                        if (s.t_completed == 0 || done < s.t_completed)
                                s.t_completed = done;
                } else
                        all_finished = false;
        }
        s.finished = s.found && all_finished;
        if (!s.finished)
                s.t_completed = 0;
        *ret = s;
        return 0;
}

static void run_fs(struct health_ctx *c, struct health_report *r, const struct health_btrfs *b) {
        _cleanup_free_ char *rel = xasprintf("lib/btrfs/scrub.status.%s", b->uuid);
        _cleanup_free_ char *text = NULL, *shown = sysroot_display_path(SR_VAR, rel);
        _cleanup_free_ char *label = health_label_escape(b->uuid), *mlabel = health_label_escape(b->mountpoint);
        _cleanup_free_ char *slug = health_slug(b->mountpoint);
        struct health_result *x = health_add(r, "btrfs.scrub", b->mountpoint);
        const char *remedy_run = "run one now: `btrfs scrub start -B -c 3 %s` (idle I/O priority), and "
                                 "schedule it monthly: `vpstune generate systemd` has a scrub timer";
        struct scrub_status s;
        int rr;

        x->perf_label = xasprintf("btrfs_scrub_age_%s", slug);
        health_set_thresholds(x, c->cfg->scrub_warn_days, c->cfg->scrub_crit_days, false);
        rr = sysroot_read_file(c->sr, SR_VAR, rel, 0, &text, NULL, NULL);
        if (rr == -ENOENT || (rr >= 0 && health_parse_scrub_status(text, b->uuid, &s) >= 0 && !s.found)) {
                x->status = HEALTH_WARNING;
                health_set_summary(x, "never scrubbed (no record in %s)", shown);
                health_set_remedy(x, remedy_run, b->mountpoint);
                return;
        }
        if (rr < 0 || health_parse_scrub_status(text, b->uuid, &s) < 0) {
                health_set_summary(x, "cannot read the scrub record %s: %s", shown,
                                   rr < 0 ? strerror(-rr) : "not a btrfs-progs scrub status file");
                return;
        }
        health_evidence(x, "%s (format version %d, %u device%s)", shown, s.version, s.n_devices,
                        s.n_devices == 1 ? "" : "s");
        {
                static const char *const types[] = { "read", "csum", "verify", "super", "uncorrectable", "corrected" };
                uint64_t v[] = { s.read_errors, s.csum_errors, s.verify_errors, s.super_errors,
                                 s.uncorrectable_errors, s.corrected_errors };
                for (size_t k = 0; k < ELEMENTSOF(types); k++)
                        health_metric(x, "vpstune_btrfs_scrub_errors",
                                      "Errors found by the last btrfs scrub, by kind.", (double) v[k],
                                      "fs=\"%s\",mountpoint=\"%s\",type=\"%s\"", label, mlabel, types[k]);
                health_evidence(x, "last run: read %" PRIu64 ", csum %" PRIu64 ", verify %" PRIu64 ", super %" PRIu64
                                ", uncorrectable %" PRIu64 ", corrected %" PRIu64, v[0], v[1], v[2], v[3], v[4], v[5]);
        }
        if (!s.finished) {
                x->status = HEALTH_WARNING;
                health_set_summary(x, "the last scrub %s (started %.1f days ago); no completed scrub on record",
                                   s.running ? "is running or was interrupted" : "was canceled",
                                   s.t_start ? (double) (c->now - s.t_start) / 86400.0 : 0.0);
                health_set_remedy(x, s.running ? "wait for it (`btrfs scrub status %s`), or `btrfs scrub resume %s`"
                                               : "resume it: `btrfs scrub resume %s`", b->mountpoint, b->mountpoint);
                return;
        }
        {
                double days = (double) (c->now - s.t_completed) / 86400.0;
                uint64_t errs = s.read_errors + s.csum_errors + s.verify_errors + s.super_errors;
                if (days < 0)
                        days = 0;
                health_set_value(x, days, "d");
                health_metric(x, "vpstune_btrfs_scrub_last_completion_timestamp_seconds",
                              "When the last btrfs scrub of the filesystem completed.", (double) s.t_completed,
                              "fs=\"%s\",mountpoint=\"%s\"", label, mlabel);
                x->status = health_judge(days, c->cfg->scrub_warn_days, c->cfg->scrub_crit_days, false);
                if (s.uncorrectable_errors > 0) {
                        x->status = HEALTH_CRITICAL;
                        health_set_summary(x, "last scrub %.1f days ago found %" PRIu64 " uncorrectable errors", days,
                                           s.uncorrectable_errors);
                        health_set_remedy(x, "data is damaged: `journalctl -k | grep -i 'checksum error'` names the "
                                          "files (\"path: ...\"); restore them from a backup or snapshot, then scrub "
                                          "again: `btrfs scrub start -B %s`", b->mountpoint);
                } else if (errs > 0) {
                        if (x->status == HEALTH_OK)
                                x->status = HEALTH_WARNING;
                        health_set_summary(x, "last scrub %.1f days ago found %" PRIu64 " errors, %" PRIu64
                                           " corrected", days, errs, s.corrected_errors);
                        health_set_remedy(x, "errors were repaired from a good copy; watch btrfs.device_errors and "
                                          "the disk (`btrfs device stats %s`)", b->mountpoint);
                } else {
                        health_set_summary(x, "last scrub completed %.1f days ago, no errors", days);
                        if (x->status != HEALTH_OK)
                                health_set_remedy(x, remedy_run, b->mountpoint);
                }
        }
}

const struct health_check health_check_btrfs_scrub = {
        .id = "btrfs.scrub",
        .description = "age and findings of the last btrfs scrub (btrfs-progs' status file)",
        .run_btrfs = run_fs,
};
