/* SPDX-License-Identifier: MIT */
/*
 * maintenance.timers: the seed's schedule must really run. Enabled timers
 * named vpstune-*, btrfs-* (btrfsmaintenance, NixOS autoScrub) or
 * snapper-* (in /etc/systemd/system/timers.target.wants); the period comes
 * from OnCalendar= (hourly, daily, weekly, monthly, ...) or OnUnitActiveSec=,
 * the last run from systemd's stamp file of a Persistent= timer
 * (/var/lib/systemd/timers/stamp-NAME, its mtime). Overdue by twice the
 * period is a warning. No systemd: unsupported.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "health/health.h"
#include "util.h"

static bool ours(const char *n) {
        return (startswith(n, "vpstune-") || startswith(n, "btrfs-") || startswith(n, "btrfs_") ||
                startswith(n, "snapper-")) && strlen(n) > 6 && streq(n + strlen(n) - 6, ".timer");
}

/* Seconds, 0 = not understood. */
static double period_of(const char *unit_text) {
        static const struct {
                const char *name;
                double s;
        } cal[] = { { "minutely", 60 }, { "hourly", 3600 }, { "daily", 86400 }, { "weekly", 7 * 86400 },
                    { "monthly", 31 * 86400 }, { "quarterly", 92 * 86400 }, { "semiannually", 183 * 86400 },
                    { "yearly", 366 * 86400 }, { "annually", 366 * 86400 } };
        _cleanup_strv_ char **lines = strv_split(unit_text, "\n");
        for (char **l = lines; l && *l; l++) {
                char *s = strstrip(*l);
                const char *v;
                if ((v = startswith(s, "OnCalendar="))) {
                        for (size_t i = 0; i < ELEMENTSOF(cal); i++)
                                if (streq(v, cal[i].name))
                                        return cal[i].s;
                        if (strstr(v, "*-*-* ") || startswith(v, "*-*-*"))
                                return 86400;
                        if (strstr(v, "*-*-01") || strstr(v, "*-*-1 "))
                                return 31 * 86400;
                        if (startswith(v, "Mon ") || startswith(v, "Sun ") || startswith(v, "Sat "))
                                return 7 * 86400;
                } else if ((v = startswith(s, "OnUnitActiveSec="))) {
                        char *end;
                        double n = strtod(v, &end);
                        if (end == v || n <= 0)
                                continue;
                        return streq(end, "d") ? n * 86400 : streq(end, "h") ? n * 3600 : streq(end, "w") ? n * 7 * 86400
                               : streq(end, "min") || streq(end, "m") ? n * 60 : *end == '\0' || streq(end, "s") ? n : 0;
                }
        }
        return 0;
}

static void run(struct health_ctx *c, struct health_report *r) {
        _cleanup_strv_ char **wants = NULL;
        bool any = false;

        if (!sysroot_exists(c->sr, SR_ETC, "systemd/system") && !sysroot_exists(c->sr, SR_RUN, "systemd/system")) {
                struct health_result *x = health_add(r, "maintenance.timers", "-");
                x->status = HEALTH_UNSUPPORTED;
                health_set_summary(x, "no systemd here: schedule `vpstune health`, scrub and snapshot pruning with cron");
                return;
        }
        (void) sysroot_list_dir(c->sr, SR_ETC, "systemd/system/timers.target.wants", &wants);
        for (char **w = wants; w && *w; w++) {
                _cleanup_free_ char *rel = NULL, *text = NULL, *stamp = NULL;
                struct health_result *x;
                struct stat st;
                double period, age;
                char base[64];
                int fd;

                if (!ours(*w))
                        continue;
                any = true;
                x = health_add(r, "maintenance.timers", *w);
                rel = xasprintf("systemd/system/timers.target.wants/%s", *w);
                if (sysroot_read_file(c->sr, SR_ETC, rel, 0, &text, NULL, NULL) < 0) {
                        health_set_summary(x, "enabled but its unit file cannot be read (dangling link?)");
                        continue;
                }
                period = period_of(text);
                if (period <= 0) {
                        health_set_summary(x, "period not understood (OnCalendar= other than hourly/daily/weekly/monthly)");
                        continue;
                }
                stamp = xasprintf("lib/systemd/timers/stamp-%s", *w);
                fd = sysroot_openat(c->sr, SR_VAR, stamp, O_RDONLY | O_PATH, 0);
                if (fd < 0 || fstat(fd, &st) < 0) {
                        if (fd >= 0)
                                close(fd);
                        health_set_summary(x, "no record of a run (the timer needs Persistent=true for one)");
                        health_set_remedy(x, "`systemctl list-timers %s` shows its last run", *w);
                        continue;
                }
                close(fd);
                age = (double) (c->now - st.st_mtim.tv_sec);
                health_set_value(x, age / 86400.0, "d");
                health_set_thresholds(x, c->cfg->timer_overdue_factor * period / 86400.0, 1e9, false);
                snprintf(base, sizeof base, "%.*s", (int) (strlen(*w) - 6), *w);
                if (age > c->cfg->timer_overdue_factor * period) {
                        x->status = HEALTH_WARNING;
                        health_set_summary(x, "last ran %.1f days ago, period %.1f days: overdue", age / 86400.0, period / 86400.0);
                        health_set_remedy(x, "`systemctl status %s %s.service` says why (failed unit, machine off, "
                                          "timer stopped); `systemctl start %s.service` runs it now", *w, base, base);
                } else {
                        x->status = HEALTH_OK;
                        health_set_summary(x, "last ran %.1f days ago (period %.1f days)", age / 86400.0, period / 86400.0);
                }
        }
        if (!any) {
                struct health_result *x = health_add(r, "maintenance.timers", "-");
                x->status = HEALTH_WARNING;
                health_set_summary(x, "no maintenance timers enabled (vpstune-*, btrfs-*, snapper-*)");
                health_set_remedy(x, "`vpstune generate systemd -o /etc/systemd/system` writes them; then `systemctl "
                                  "enable --now vpstune-health.timer vpstune-scrub.timer`");
        }
}

const struct health_check health_check_maintenance_timers = {
        .id = "maintenance.timers",
        .description = "vpstune/btrfs maintenance timers overdue by twice their period",
        .run = run,
};
