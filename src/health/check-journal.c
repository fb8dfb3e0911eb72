/* SPDX-License-Identifier: MIT */
/*
 * journal: the seed's weekly `journalctl -p 3 -xb`, judged and narrowed to
 * what is new: kernel messages since the last run (since boot on the
 * first). Storage errors (BTRFS error, csum failed, I/O error, medium
 * errors) are critical at any priority down to warning (btrfs logs "csum
 * failed" as a warning); other kernel errors (priority 3 and above) are a
 * warning. Read with journalctl, live only; where no journal exists (no
 * /var/log/journal nor /run/log/journal) the answer is unknown.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>

#include "exec.h"
#include "health/health.h"
#include "util.h"

#define SECTION "journal"
#define MAX_LINES "500"

static bool storage_error(const char *m) {
        static const char *const pat[] = { "BTRFS error", "BTRFS critical", "csum failed", "checksum error",
                                           "I/O error", "critical medium error", "Buffer I/O error", "blk_update_request" };
        for (size_t i = 0; i < ELEMENTSOF(pat); i++)
                if (strstr(m, pat[i]))
                        return true;
        return false;
}

static void run(struct health_ctx *c, struct health_report *r) {
        struct health_result *x = health_add(r, "journal", "kernel");
        _cleanup_free_ char *out = NULL, *since = NULL;
        _cleanup_strv_ char **lines = NULL;
        uint64_t last = 0, n_storage = 0, n_other = 0;
        char *first_storage = NULL, *first_other = NULL;
        int rc;

        x->perf_label = xstrdup("journal_kernel_errors");
        if (!sysroot_is_live(c->sr)) {
                health_set_summary(x, "a captured sysroot has no journal to read");
                return;
        }
        if (!sysroot_exists(c->sr, SR_VAR, "log/journal") && !sysroot_exists(c->sr, SR_RUN, "log/journal")) {
                health_set_summary(x, "no systemd journal on this machine");
                health_evidence(x, "neither /var/log/journal nor /run/log/journal exists");
                return;
        }
        if (health_state_get(c->state, SECTION, "kernel", "last_run", &last) && last > 0)
                since = xasprintf("--since=@%" PRIu64, last);
        {
                char *argv[] = { (char *) "journalctl", (char *) "-k", (char *) "-q", (char *) "--no-pager",
                                 (char *) "-p", (char *) "4", (char *) "-o", (char *) "json",
                                 (char *) "--output-fields=PRIORITY,MESSAGE", (char *) "-n", (char *) MAX_LINES,
                                 since ? since : (char *) "-b", NULL };
                rc = exec_capture(argv, 10000, &out);
        }
        if (rc == -ENOENT) {
                health_set_summary(x, "journalctl is not installed");
                return;
        }
        if (rc < 0 || !out) {
                health_set_summary(x, "journalctl failed: %s", rc < 0 ? strerror(-rc) : "no output");
                return;
        }
        health_state_set(c->state, SECTION, "kernel", "last_run", (uint64_t) c->now);
        lines = strv_split(out, "\n");
        for (char **l = lines; l && *l; l++) {
                struct json_object *j = json_tokener_parse(*l), *m, *p;
                const char *msg;
                int prio = 7;
                if (!j)
                        continue;
                if (!json_object_object_get_ex(j, "MESSAGE", &m) || !json_object_is_type(m, json_type_string)) {
                        json_object_put(j);
                        continue;
                }
                msg = json_object_get_string(m);
                if (json_object_object_get_ex(j, "PRIORITY", &p))
                        (void) safe_atoi(json_object_get_string(p), &prio);
                if (storage_error(msg)) {
                        if (!n_storage++)
                                first_storage = xstrdup(msg);
                } else if (prio <= 3) {
                        if (!n_other++)
                                first_other = xstrdup(msg);
                }
                json_object_put(j);
        }
        health_set_value(x, (double) (n_storage + n_other), "messages");
        health_evidence(x, "journalctl -k -p 4 %s: %" PRIu64 " storage errors, %" PRIu64 " other kernel errors",
                        since ? since : "-b", n_storage, n_other);
        if (first_storage)
                health_evidence(x, "first storage error: %s", first_storage);
        if (first_other)
                health_evidence(x, "first other error: %s", first_other);
        if (n_storage > 0) {
                x->status = HEALTH_CRITICAL;
                health_set_summary(x, "%" PRIu64 " new kernel storage errors (%s)", n_storage, first_storage);
                health_set_remedy(x, "`journalctl -k -p 4 %s | grep -iE 'btrfs|i/o error|csum'` shows them all; "
                                  "see btrfs.device_errors and run a scrub", since ? since : "-b");
        } else if (n_other > 0) {
                x->status = HEALTH_WARNING;
                health_set_summary(x, "%" PRIu64 " new kernel errors (%s)", n_other, first_other);
                health_set_remedy(x, "`journalctl -k -p 3 %s` shows them", since ? since : "-b");
        } else {
                x->status = HEALTH_OK;
                health_set_summary(x, "no new kernel errors %s", since ? "since the last run" : "since boot");
        }
        free(first_storage);
        free(first_other);
}

const struct health_check health_check_journal = {
        .id = "journal",
        .description = "new kernel storage errors in the journal since the last run",
        .run = run,
};
