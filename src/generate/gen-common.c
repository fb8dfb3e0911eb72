/* SPDX-License-Identifier: MIT */
/*
 * Target table, the header every generated file starts with, comments and
 * plan lookups shared by the emitters.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "generate/gen-internal.h"
#include "knobs/knob.h"
#include "util.h"

#define WRAP_COLUMN 78

static const struct gen_file files_nixos[] = { { "vpstune.nix", gen_emit_nixos } };
static const struct gen_file files_disko[] = { { "disko.nix", gen_emit_disko } };
static const struct gen_file files_fstab[] = { { "fstab", gen_emit_fstab } };
static const struct gen_file files_sysctl[] = { { "60-vpstune.conf", gen_emit_sysctl } };
static const struct gen_file files_udev[] = { { "60-vpstune.rules", gen_emit_udev } };
static const struct gen_file files_containers[] = { { "storage.conf", gen_emit_containers } };
static const struct gen_file files_nix[] = { { "nix.conf", gen_emit_nix } };
static const struct gen_file files_zram[] = { { "zram-generator.conf", gen_emit_zram } };
static const struct gen_file files_systemd[] = {
        { "vpstune-apply.service", gen_emit_systemd_apply },
        { "vpstune-verify.service", gen_emit_systemd_verify },
        { "vpstune-verify.timer", gen_emit_systemd_timer },
};
static const struct gen_file files_btrbk[] = { { "btrbk.conf", gen_emit_btrbk } };
static const struct gen_file files_tuned[] = { { "tuned.conf", gen_emit_tuned } };
static const struct gen_file files_tmpfiles[] = { { "60-vpstune.conf", gen_emit_tmpfiles } };
static const struct gen_file files_prometheus_rules[] = { { "vpstune.rules.yml", gen_emit_prometheus_rules } };
static const struct gen_file files_grafana[] = { { "vpstune-dashboard.json", gen_emit_grafana } };

static const struct {
        const char *name;
        const char *summary;
        const struct gen_file *files;
        size_t n_files;
} targets[_GEN_TARGET_MAX] = {
#define T(e, n, s, f) [e] = { n, s, f, ELEMENTSOF(f) }
        T(GEN_NIXOS, "nixos", "NixOS module: fileSystems, boot loader, udev, sysctl, zram, podman, nix, btrfs", files_nixos),
        T(GEN_DISKO, "disko", "disko layout of the detected partition table and btrfs subvolumes", files_disko),
        T(GEN_FSTAB, "fstab", "/etc/fstab entries by UUID with the planned mount options", files_fstab),
        T(GEN_SYSCTL, "sysctl", "/etc/sysctl.d/60-vpstune.conf", files_sysctl),
        T(GEN_UDEV, "udev", "/etc/udev/rules.d/60-vpstune.rules: scheduler, read-ahead, nomerges", files_udev),
        T(GEN_CONTAINERS, "containers", "/etc/containers/storage.conf", files_containers),
        T(GEN_NIX, "nix", "nix.conf fragment", files_nix),
        T(GEN_ZRAM, "zram", "/etc/systemd/zram-generator.conf", files_zram),
        T(GEN_SYSTEMD, "systemd", "vpstune-apply.service, vpstune-verify.service and .timer", files_systemd),
        T(GEN_BTRBK, "btrbk", "/etc/btrbk/btrbk.conf: snapshots of the mounted subvolumes", files_btrbk),
        T(GEN_TUNED, "tuned", "the profile as a TuneD profile (tuned.conf)", files_tuned),
        T(GEN_TMPFILES, "tmpfiles", "/etc/tmpfiles.d/60-vpstune.conf: sysfs settings (THP, KSM, [sysfs]) at boot", files_tmpfiles),
        T(GEN_PROMETHEUS_RULES, "prometheus-rules", "Prometheus alerting rules: drift, health, scrub, stale textfiles, btrfs errors, memory stall", files_prometheus_rules),
        T(GEN_GRAFANA, "grafana", "a Grafana dashboard (JSON) of the verify, health, zram and bench series", files_grafana),
#undef T
};

int gen_target_from_string(const char *s, enum gen_target *ret) {
        for (size_t i = 0; i < ELEMENTSOF(targets); i++)
                if (streq(s, targets[i].name)) {
                        *ret = (enum gen_target) i;
                        return 0;
                }
        return -EINVAL;
}

const char *gen_target_to_string(enum gen_target t) {
        return t < _GEN_TARGET_MAX ? targets[t].name : NULL;
}

const char *gen_target_summary(enum gen_target t) {
        return t < _GEN_TARGET_MAX ? targets[t].summary : NULL;
}

const struct gen_file *gen_target_files(enum gen_target t, size_t *ret_n) {
        if (t >= _GEN_TARGET_MAX) {
                *ret_n = 0;
                return NULL;
        }
        *ret_n = targets[t].n_files;
        return targets[t].files;
}

time_t gen_now(void) {
        const char *s = getenv("SOURCE_DATE_EPOCH");
        int64_t v;
        /* reproducible-builds.org: an invalid value is an error there; here
         * the date is only a comment, so fall back to the clock. */
        if (s && safe_atoi64(s, &v) == 0 && v >= 0)
                return (time_t) v;
        return time(NULL);
}

int gen_emit_all(const struct gen_ctx *g, enum gen_target t, FILE *out) {
        size_t n;
        const struct gen_file *files = gen_target_files(t, &n);
        int r;

        for (size_t i = 0; i < n; i++) {
                if (n > 1)
                        fprintf(out, "%s# ---- %s ----\n", i ? "\n" : "", files[i].name);
                r = files[i].emit(g, out);
                if (r < 0)
                        return r;
        }
        return ferror(out) ? -EIO : 0;
}

/* ---- plan items ---- */

const struct plan_item *gen_item(const struct gen_ctx *g, const char *knob) {
        for (size_t i = 0; g->plan && i < g->plan->n_items; i++)
                if (streq(g->plan->items[i].knob, knob))
                        return &g->plan->items[i];
        return NULL;
}

bool gen_item_usable(const struct plan_item *it) {
        return it && it->target && (it->status == ITEM_OK || it->status == ITEM_DRIFT);
}

/* The mount that contains path: longest mountpoint prefix. */
static const struct fs_facts *mount_of_path(const struct facts *f, const char *path) {
        const struct fs_facts *best = NULL;
        size_t bl = 0;
        for (size_t i = 0; i < f->n_fs; i++) {
                const char *mp = f->fs[i].mountpoint;
                size_t l = mp ? strlen(mp) : 0;
                if (mp && (streq(mp, "/") || (strncmp(path, mp, l) == 0 && (path[l] == '/' || !path[l]))) && l >= bl) {
                        best = &f->fs[i];
                        bl = l;
                }
        }
        return best;
}

bool gen_item_wanted(const struct gen_ctx *g, const struct plan_item *it) {
        const char *rest;
        if (gen_item_usable(it))
                return true;
        /* Inode flags and properties cannot be read from a captured sysroot
         * (the planner says absent). What the facts do show is whether the
         * directory is on a btrfs mount: then it is written, since generate
         * run on a sysroot is for the machine the sysroot came from. */
        if (!it || !it->target || it->status != ITEM_ABSENT || g->f->live)
                return false;
        if ((rest = startswith(it->knob, "attr:")) || (rest = startswith(it->knob, "prop:"))) {
                _cleanup_free_ char *dir = xstrndup(rest, (size_t) (strrchr(rest, ':') - rest));
                const struct fs_facts *m = mount_of_path(g->f, dir);
                return m && m->fstype && streq(m->fstype, "btrfs");
        }
        return false;
}

bool gen_item_in_group(const struct plan_item *it, const char *const *groups) {
        if (!groups)
                return true;
        for (; *groups; groups++)
                if (it->group && streq(it->group, *groups))
                        return true;
        return false;
}

char *gen_item_why(const struct plan_item *it) {
        return xasprintf("%s (%s%s%s): %s", it->knob, item_status_to_string(it->status),
                         it->target ? ", wanted " : "", strempty(it->target),
                         it->note ? it->note : "no reason recorded");
}

const char *gen_profile_arg(const struct gen_ctx *g) {
        if (g->profile && !g->profile->builtin && g->profile->path)
                return g->profile->path;
        if (g->profile && g->profile->name)
                return g->profile->name;
        return g->plan && g->plan->profile ? g->plan->profile : "vps-dev";
}

/* ---- comments ---- */

void gen_comment(FILE *o, const char *indent, const char *text) {
        size_t width = WRAP_COLUMN - strlen(indent) - 2, col = 0;
        _cleanup_free_ char *copy = xstrdup(text);
        bool first = true;

        /* Newlines in notes start a new comment line; words wrap. */
        for (char *line = copy, *nl; line; line = nl) {
                nl = strchr(line, '\n');
                if (nl)
                        *nl++ = '\0';
                if (!first)
                        fputc('\n', o);
                fprintf(o, "%s#", indent);
                col = 0;
                for (char *w = strtok(line, " "); w; w = strtok(NULL, " ")) {
                        size_t wl = strlen(w);
                        if (col > 0 && col + 1 + wl > width) {
                                fprintf(o, "\n%s#  ", indent);
                                col = 2;
                        }
                        fprintf(o, " %s", w);
                        col += 1 + wl;
                }
                first = false;
        }
        fputc('\n', o);
}

void gen_commentf(FILE *o, const char *indent, const char *fmt, ...) {
        _cleanup_free_ char *s = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        va_end(ap);
        gen_comment(o, indent, s);
}

void gen_left_out(FILE *o, const char *indent, const struct plan_item *it) {
        _cleanup_free_ char *why = gen_item_why(it);
        gen_commentf(o, indent, "left out: %s", why);
}

const char *const gen_kind_groups[] = { NULL };

void gen_header(const struct gen_ctx *g, FILE *o, const char *target, const char *what,
                const char *const *groups) {
        _cleanup_strv_ char **derived = groups == gen_kind_groups ? knob_groups_persisting_to(target) : NULL;
        struct tm tm;
        char date[32] = "unknown date";
        time_t now = g->now;
        size_t left = 0;

        if (gmtime_r(&now, &tm))
                strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);
        fprintf(o, "# Generated by vpstune %s from profile %s on host %s, %s.\n", g->version,
                gen_profile_arg(g), g->f->hostname ? g->f->hostname : "(unknown)", date);
        gen_comment(o, "", what);
        fprintf(o, "# Regenerate with: vpstune generate %s -p %s\n", target, gen_profile_arg(g));
        if (derived)
                groups = (const char *const *) derived;
        for (size_t i = 0; g->plan && i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                _cleanup_free_ char *why = NULL;
                if (gen_item_wanted(g, it) || !gen_item_in_group(it, groups))
                        continue;
                if (left++ == 0)
                        fprintf(o, "# Left out (the profile asks for them; this machine cannot have them):\n");
                why = gen_item_why(it);
                gen_commentf(o, "", "- %s", why);
        }
}
