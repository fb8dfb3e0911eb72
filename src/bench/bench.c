/* SPDX-License-Identifier: MIT */
/*
 * The driver: corpus, cold-cache method, the runs of each workload (adaptive
 * count), --ab in ABBA blocks, comparisons with Holm across workloads, and
 * --compare against an earlier result.
 *
 * --ab switches go through apply (src/apply): arm values are applied as a
 * transaction, and before the next switch that transaction is rolled back,
 * so at any moment at most one bench transaction is open and its ORIG is the
 * value from before the bench. A kill -9 anywhere leaves a journal whose
 * rollback restores exactly that value; a normal end rolls back too.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "bench/bench.h"
#include "bench/workloads.h"
#include "exec.h"
#include "knobs/knob.h"
#include "util.h"

const char *bench_cold_to_string(enum bench_cold c) {
        switch (c) {
        case BENCH_COLD_FADVISE:
                return "fadvise-dontneed (cold data, warm metadata)";
        case BENCH_COLD_REMOUNT:
                return "remount of the scratch filesystem (cold data and metadata)";
        case BENCH_COLD_DROP:
                return "drop_caches (global: every tenant's caches)";
        default:
                return "warm";
        }
}

static const struct bench_claim claims[] = {
        { "Git operations", 0.10, 0.15, "noatime + space_cache=v2" },
        { "Nix builds", 0.15, 0.25, "zstd:2 + fsync=off" },
        { "Container builds", 0.30, 0.50, "btrfs driver" },
        { "Container pulls", 0.30, 0.50, "btrfs driver" },
        { "File traversal", 0.10, 0.15, "space_cache=v2 + compression" },
        { "General I/O", 0.20, 0.40, "mq-deadline scheduler" },
        { "Space usage", 0.25, 0.35, "compression" },
};

const struct bench_claim *bench_claims(size_t *ret_n) {
        *ret_n = ELEMENTSOF(claims);
        return claims;
}

double bench_improvement(double ratio, bool higher_is_better) {
        return higher_is_better ? ratio - 1.0 : 1.0 - ratio;
}

const char *bench_claim_status(const struct bench_wl_result *r) {
        if (!r->w->claim || !r->has_cmp)
                return "not measurable here";
        const struct bench_claim *c = NULL;
        for (size_t i = 0; i < ELEMENTSOF(claims); i++)
                if (streq(claims[i].row, r->w->claim))
                        c = &claims[i];
        if (!c)
                return "not measurable here";
        switch (r->cmp.decision.verdict) {
        case BENCH_IMPROVED:
                return bench_improvement(r->cmp.ratio, r->w->higher_is_better) >= c->lo ? "supported" : "partly";
        case BENCH_REGRESSED:
        case BENCH_NO_CHANGE:
                return "contradicted";
        default:
                return "not measurable here";
        }
}

int bench_ab_parse(const char *spec, char **ret_knob, char **ret_a, char **ret_b, const char **ret_why) {
        const char *eq = strrchr(spec, '=');
        *ret_why = "expected KNOB=A,B";
        if (!eq || eq == spec)
                return -EINVAL;
        const char *comma = strchr(eq + 1, ',');
        if (!comma || comma == eq + 1 || !comma[1] || strchr(comma + 1, ','))
                return -EINVAL;
        _cleanup_free_ char *knob = strndup(spec, (size_t) (eq - spec));
        if (knob_validate(knob) < 0) {
                *ret_why = "not a knob ID vpstune knows (see KNOB IDS in vpstune(8))";
                return -EINVAL;
        }
        _cleanup_free_ char *group = knob_group(knob);
        if (streq_ptr(group, "containers")) {
                *ret_why = "switching the container storage driver needs a store reset ('podman system reset' "
                           "deletes every image and container), which a benchmark must not do";
                return -EPERM;
        }
        if (knob_is_risky(knob)) {
                *ret_why = "a risky knob (it can weaken the kernel) is not switched by bench";
                return -EPERM;
        }
        *ret_a = strndup(eq + 1, (size_t) (comma - eq - 1));
        *ret_b = xstrdup(comma + 1);
        *ret_knob = TAKE_PTR(knob);
        return 0;
}

static const char *switch_kind(const char *knob) {
        if (startswith(knob, "mount:"))
                return "remount (the filesystem is reconfigured at each switch)";
        if (startswith(knob, "prop:") || startswith(knob, "attr:"))
                return "rewrite (only data written after the switch is affected; the corpus is not rewritten)";
        if (startswith(knob, "zram:"))
                return "reset (the zram device is reset and set up again at each switch)";
        if (startswith(knob, "nix:"))
                return "config file (read by the next nix invocation)";
        return "immediate";
}

void bench_results_done(struct bench_results *r) {
        for (size_t i = 0; i < r->n_wl; i++) {
                struct bench_wl_result *w = &r->wl[i];
                free(w->unavailable);
                free(w->corpus_sha256);
                free(w->note);
                free(w->samples);
                free(w->compared_with);
        }
        free(r->wl);
        free(r->host_json);
        free(r->settings_json);
        free(r->ab.knob);
        free(r->ab.a);
        free(r->ab.b);
        free(r->ab.orig);
        free(r->compare_file);
        strv_free(r->differs);
        *r = (struct bench_results) { 0 };
}

/* ---- the scratch filesystem ---------------------------------------------- */

struct scratch {
        char *image, *dev, *mnt;
        bool mounted;
};

static int scratch_remount(struct wl_env *e) {
        struct scratch *s = e->userdata;
        sync();
        if (umount2(s->mnt, 0) < 0)
                return -errno;
        s->mounted = false;
        if (mount(s->dev, s->mnt, "btrfs", 0, NULL) < 0)
                return -errno;
        s->mounted = true;
        return 0;
}

static void scratch_done(struct scratch *s) {
        if (s->mounted)
                (void) umount2(s->mnt, 0);
        if (s->dev) {
                char *argv[] = { (char *) "losetup", (char *) "-d", s->dev, NULL };
                (void) bench_spawn(argv, NULL, NULL, NULL);
        }
        if (s->image)
                (void) unlink(s->image);
        if (s->mnt)
                (void) rmdir(s->mnt);
        free(s->image);
        free(s->dev);
        free(s->mnt);
        *s = (struct scratch) { 0 };
}

static int scratch_setup(const char *dir, uint64_t size, struct scratch *s, char **ret_why) {
        s->image = xasprintf("%s/scratch.img", dir);
        s->mnt = xasprintf("%s/scratch", dir);
        int fd = open(s->image, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || ftruncate(fd, (off_t) size) < 0) {
                int r = -errno;
                if (fd >= 0)
                        close(fd);
                *ret_why = xasprintf("cannot create '%s': %s", s->image, strerror(-r));
                return r;
        }
        close(fd);
        char *losetup[] = { (char *) "losetup", (char *) "--find", (char *) "--show", (char *) "--direct-io=on",
                            s->image, NULL };
        _cleanup_free_ char *out = NULL;
        int r = exec_capture(losetup, 10000, &out);
        if (r != 0 || !out || !*out) {
                *ret_why = xasprintf("losetup could not attach '%s' (root needed)", s->image);
                return -EPERM;
        }
        s->dev = xstrdup(strstrip(out));
        char *mkfs[] = { (char *) "mkfs.btrfs", (char *) "-q", (char *) "-f", s->dev, NULL };
        if ((r = bench_spawn(mkfs, NULL, NULL, NULL)) != 0) {
                *ret_why = xasprintf("mkfs.btrfs failed on '%s'", s->dev);
                return -EIO;
        }
        if (mkdir(s->mnt, 0700) < 0 && errno != EEXIST) {
                *ret_why = xasprintf("cannot create '%s': %m", s->mnt);
                return -errno;
        }
        if (mount(s->dev, s->mnt, "btrfs", 0, NULL) < 0) {
                r = -errno;
                *ret_why = xasprintf("cannot mount '%s' on '%s': %s", s->dev, s->mnt, strerror(-r));
                return r;
        }
        s->mounted = true;
        return 0;
}

/* ---- host fingerprint ------------------------------------------------------ */

static char *first_field(struct sysroot *sr, enum sr_base base, const char *rel, const char *key) {
        _cleanup_free_ char *buf = NULL;
        if (sysroot_read_file(sr, base, rel, 0, &buf, NULL, NULL) < 0)
                return NULL;
        for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
                if (startswith(l, key)) {
                        char *v = strchr(l, ':');
                        return v ? xstrdup(strstrip(v + 1)) : NULL;
                }
        return NULL;
}

/* Mount point, fs type and options of the mount holding path. */
static void mount_of(struct sysroot *sr, const char *path, struct json_object *host) {
        _cleanup_free_ char *buf = NULL, *real = realpath(path, NULL);
        if (!real || sysroot_read_file(sr, SR_PROC, "self/mountinfo", 0, &buf, NULL, NULL) < 0)
                return;
        size_t best = 0;
        char mp[4096] = "", opts[1024] = "", fstype[64] = "", src[1024] = "", sopts[1024] = "";
        for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
                char m[4096], o[1024], t[64], s[1024], so[1024];
                const char *dash = strstr(l, " - ");
                if (!dash || sscanf(l, "%*s %*s %*s %*s %4095s %1023s", m, o) != 2 ||
                    sscanf(dash, " - %63s %1023s %1023s", t, s, so) != 3)
                        continue;
                size_t n = strlen(m);
                bool under = streq(m, "/") || (startswith(real, m) && (real[n] == '/' || real[n] == 0));
                if (under && n >= best) {
                        best = n;
                        snprintf(mp, sizeof mp, "%s", m);
                        snprintf(opts, sizeof opts, "%s", o);
                        snprintf(fstype, sizeof fstype, "%s", t);
                        snprintf(src, sizeof src, "%s", s);
                        snprintf(sopts, sizeof sopts, "%s", so);
                }
        }
        json_object_object_add(host, "mount_point", json_object_new_string(mp));
        json_object_object_add(host, "fs_type", json_object_new_string(fstype));
        json_object_object_add(host, "mount_options", json_object_new_string(opts));
        json_object_object_add(host, "fs_options", json_object_new_string(sopts));
        json_object_object_add(host, "source", json_object_new_string(src));
        /* Disk transport of the root disk's queue: virtio, scsi, nvme... */
        const char *dp = sysroot_base_prefix(SR_DEV);
        size_t dl = strlen(dp);
        const char *dev = strncmp(src, dp, dl) == 0 && src[dl] == '/' ? src + dl + 1 : NULL;
        if (dev) {
                char rel[1100];
                _cleanup_free_ char *target = NULL;
                snprintf(rel, sizeof rel, "class/block/%s", dev);
                if (sysroot_readlink(sr, SR_SYS, rel, &target) >= 0) {
                        const char *t = strstr(target, "/virtio") ? "virtio"
                                        : strstr(target, "/nvme")  ? "nvme"
                                        : strstr(target, "/host")  ? "scsi"
                                        : strstr(target, "/loop")  ? "loop"
                                        : strstr(target, "/zram")  ? "zram"
                                                                   : "other";
                        json_object_object_add(host, "disk_transport", json_object_new_string(t));
                }
        }
}

static char *fingerprint(struct sysroot *sr, const char *dir, const char *ab_knob, const char *ab_orig) {
        struct json_object *h = json_object_new_object();
        _cleanup_free_ char *model = first_field(sr, SR_PROC, "cpuinfo", "model name"),
                            *mem = first_field(sr, SR_PROC, "meminfo", "MemTotal");
        struct utsname u;
        json_object_object_add(h, "cpu", model ? json_object_new_string(model) : NULL);
        json_object_object_add(h, "cpus", json_object_new_int((int) sysconf(_SC_NPROCESSORS_ONLN)));
        json_object_object_add(h, "memory", mem ? json_object_new_string(mem) : NULL);
        json_object_object_add(h, "kernel", uname(&u) == 0 ? json_object_new_string(u.release) : NULL);
        mount_of(sr, dir, h);
        struct json_object *k = json_object_new_object();
        static const char *const knobs[] = { "sysctl:vm.dirty_ratio", "sysctl:vm.dirty_background_ratio",
                                             "sysctl:vm.swappiness", "sysctl:vm.vfs_cache_pressure" };
        for (size_t i = 0; i < ELEMENTSOF(knobs); i++) {
                _cleanup_free_ char *v = NULL;
                if (knob_read(sr, knobs[i], &v) >= 0)
                        json_object_object_add(k, knobs[i], json_object_new_string(v));
        }
        if (ab_knob)
                json_object_object_add(k, ab_knob, ab_orig ? json_object_new_string(ab_orig) : NULL);
        json_object_object_add(h, "knobs", k);
        char *s = xstrdup(json_object_to_json_string_ext(h, JSON_C_TO_STRING_PLAIN));
        json_object_put(h);
        return s;
}

/* ---- --ab switching --------------------------------------------------------- */

struct abstate {
        struct apply_ctx actx;
        char *tx; /* the open bench transaction, or NULL */
        const char *knob;
        char *orig;
        char cur; /* arm now in effect, 0 = original */
};

static int ab_undo(struct abstate *s, char **why) {
        if (!s->tx)
                return 0;
        struct rollback_result rb = { 0 };
        int r = rollback_tx(&s->actx, s->tx, &rb);
        rollback_result_done(&rb);
        if (r < 0) {
                *why = xasprintf("cannot roll back the bench transaction %s: %s (run 'vpstune rollback')", s->tx,
                                 strerror(-r));
                return r;
        }
        free(s->tx);
        s->tx = NULL;
        return 0;
}

static int ab_switch(struct abstate *s, char arm, const char *value, char **why) {
        if (s->cur == arm)
                return 0;
        int r = ab_undo(s, why);
        if (r < 0)
                return r;
        s->cur = 0;
        struct apply_change ch = { s->knob, value };
        struct apply_result *res = xcalloc(1, sizeof *res);
        r = apply_items(&s->actx, &ch, 1, res);
        if (r < 0) {
                *why = xasprintf("cannot set %s=%s: %s", s->knob, value,
                                 res->message ? res->message : strerror(-r));
                apply_results_free(res, 1);
                return r;
        }
        apply_results_free(res, 1);
        s->tx = TAKE_PTR(s->actx.tx_id); /* NULL when it already had the value */
        s->cur = arm;
        return 0;
}

/* ---- runs ---------------------------------------------------------------------- */

struct driver {
        const struct bench_opts *o;
        struct wl_env env;
        unsigned min_runs, max_runs;
        double budget;
        unsigned order;
        unsigned ab_switches;
        struct abstate *ab;
        const char *ab_vals[2];
};

static void add_sample(struct bench_wl_result *r, const struct bench_sample *s, const struct bench_child_out *out,
                       size_t *cap) {
        if (r->n_samples == *cap) {
                *cap = *cap ? *cap * 2 : 32;
                r->samples = xrealloc(r->samples, *cap * sizeof *r->samples);
        }
        r->samples[r->n_samples++] = *s;
        int arm = s->arm == 'B';
        if (!isnan(out->lat[0]))
                memcpy(r->lat[arm], out->lat, sizeof r->lat[arm]);
}

static int one(struct driver *d, struct bench_wl_result *r, char arm, bool settle, size_t *cap, char **why) {
        struct bench_sample s;
        struct bench_child_out out;
        int k = bench_workload_run(&d->env, r->w, d->order, &s, &out);
        if (k < 0) {
                *why = xasprintf("%s: %s", r->w->id, out.msg[0] ? out.msg : strerror(-k));
                return k;
        }
        if (out.buffered && !r->note)
                r->note = xstrdup("direct I/O was turned into buffered I/O by the filesystem (mincore)");
        if (streq(r->w->id, "space") && !isnan(out.lat[0]) && !r->note)
                r->note = xasprintf("zstd level 3 predicts %.3f of the logical size (4 KiB sectors, every 8th file)",
                                    out.lat[0]);
        d->order++;
        if (settle) {
                r->n_settle++;
                return 0;
        }
        s.arm = arm;
        s.order = d->order - 1;
        if (streq(r->w->id, "space"))
                out.lat[0] = NAN;
        add_sample(r, &s, &out, cap);
        return 0;
}

static void arm_values(const struct bench_wl_result *r, char arm, double *v, size_t *n) {
        *n = 0;
        for (size_t i = 0; i < r->n_samples; i++)
                if (r->samples[i].arm == arm)
                        v[(*n)++] = r->samples[i].value;
}

static int run_workload(struct driver *d, struct bench_wl_result *r, char **why) {
        size_t cap = 0;
        double t0 = bench_now();
        /* Deterministic workloads need one run. */
        unsigned max = streq(r->w->id, "space") ? 1 : d->max_runs, min = streq(r->w->id, "space") ? 1 : d->min_runs;
        int k;
        if (!d->ab) {
                for (unsigned i = 0; i < max; i++) {
                        if (d->o->progress)
                                d->o->progress(d->o->userdata, r->w->id, i + 1, max,
                                               i ? (bench_now() - t0) / i * (max - i) : 0);
                        if ((k = one(d, r, 0, false, &cap, why)) < 0)
                                return k;
                        if (i + 1 < min)
                                continue;
                        struct bench_summary s;
                        double v[256];
                        size_t n;
                        arm_values(r, 0, v, &n);
                        if (bench_summarize(v, n, r->w->higher_is_better, &s, NULL) == 0 &&
                            bench_median_rel_halfwidth(&s) <= 0.01)
                                break;
                        if (d->budget > 0 && bench_now() - t0 > d->budget)
                                break;
                }
                return 0;
        }
        /* ABBA blocks; a settle run after each switch; pairs are adjacent. */
        static const char pattern[4] = { 'A', 'B', 'B', 'A' };
        unsigned pairs = 0;
        unsigned blocks_max = (max + 1) / 2;
        for (unsigned b = 0; b < blocks_max; b++) {
                for (size_t i = 0; i < 4; i++) {
                        char arm = pattern[i];
                        if (d->o->progress)
                                d->o->progress(d->o->userdata, r->w->id, b * 4 + (unsigned) i + 1, blocks_max * 4,
                                               b ? (bench_now() - t0) / b * (blocks_max - b) : 0);
                        bool switched = d->ab->cur != arm;
                        if ((k = ab_switch(d->ab, arm, d->ab_vals[arm == 'B'], why)) < 0)
                                return k;
                        if (switched) {
                                d->ab_switches++;
                                if ((k = one(d, r, arm, true, &cap, why)) < 0)
                                        return k;
                        }
                        if ((k = one(d, r, arm, false, &cap, why)) < 0)
                                return k;
                }
                pairs += 2;
                if (pairs < min)
                        continue;
                double a[256], bb[256];
                size_t na, nb;
                arm_values(r, 'A', a, &na);
                arm_values(r, 'B', bb, &nb);
                struct bench_comparison c;
                if (na == nb && bench_compare(a, na, bb, nb, true, r->w->higher_is_better, BENCH_BOOTSTRAP_SEED, &c) == 0 &&
                    bench_enough_runs(pairs, min, max, c.ci, c.ratio, 0.01))
                        break;
                if (d->budget > 0 && bench_now() - t0 > d->budget)
                        break;
        }
        return 0;
}

/* Pairs in run order: with ABBA, A-run k and B-run k are adjacent. */
static void finish_workload(struct bench_wl_result *r, bool ab) {
        for (int arm = 0; arm < 2; arm++) {
                double v[256];
                size_t n;
                char want = ab ? (arm ? 'B' : 'A') : 0;
                if (!ab && arm)
                        break;
                arm_values(r, want, v, &n);
                if (n == 0)
                        continue;
                bool outl[256];
                if (bench_summarize(v, n, r->w->higher_is_better, &r->stats[arm], outl) < 0)
                        continue;
                r->have_stats[arm] = true;
                size_t k = 0;
                for (size_t i = 0; i < r->n_samples; i++)
                        if (r->samples[i].arm == want)
                                r->samples[i].outlier = outl[k++];
        }
        if (ab && r->have_stats[0] && r->have_stats[1]) {
                double a[256], b[256];
                size_t na, nb;
                arm_values(r, 'A', a, &na);
                arm_values(r, 'B', b, &nb);
                if (na == nb && na > 0 &&
                    bench_compare(a, na, b, nb, true, r->w->higher_is_better, BENCH_BOOTSTRAP_SEED, &r->cmp) == 0)
                        r->has_cmp = true;
        }
}

static void holm_all(struct bench_results *res) {
        struct bench_comparison c[64];
        bool hib[64] = { false };
        size_t idx[64], n = 0;
        for (size_t i = 0; i < res->n_wl && n < 64; i++)
                if (res->wl[i].has_cmp) {
                        c[n] = res->wl[i].cmp;
                        hib[n] = res->wl[i].w->higher_is_better;
                        idx[n++] = i;
                }
        bench_compare_holm(c, n, hib);
        for (size_t i = 0; i < n; i++)
                res->wl[idx[i]].cmp = c[i];
}

static int compare_previous(const struct bench_opts *o, struct bench_results *res, char **why) {
        struct bench_results old = { 0 };
        int r = bench_load_previous(o->compare, &old, why);
        if (r < 0)
                return r;
        res->compare_file = xstrdup(o->compare);
        res->comparable = true;
        /* Fingerprints: every host key that differs. */
        struct json_object *a = json_tokener_parse(old.host_json), *b = json_tokener_parse(res->host_json);
        size_t nd = 0;
        res->differs = xcalloc(1, sizeof(char *));
        if (a && b) {
                json_object_object_foreach(b, key, val) {
                        struct json_object *ov = NULL;
                        json_object_object_get_ex(a, key, &ov);
                        const char *x = ov ? json_object_to_json_string(ov) : "null",
                                   *y = val ? json_object_to_json_string(val) : "null";
                        if (!streq(x, y)) {
                                res->differs = xrealloc(res->differs, (nd + 2) * sizeof(char *));
                                res->differs[nd++] = xasprintf("%s: %s -> %s", key, x, y);
                                res->differs[nd] = NULL;
                                res->comparable = false;
                        }
                }
        }
        json_object_put(a);
        json_object_put(b);
        for (size_t i = 0; i < res->n_wl; i++) {
                struct bench_wl_result *w = &res->wl[i];
                if (!w->have_stats[0])
                        continue;
                for (size_t j = 0; j < old.n_wl; j++) {
                        struct bench_wl_result *ow = &old.wl[j];
                        if (!streq(ow->w->id, w->w->id) || ow->n_samples == 0)
                                continue;
                        double va[256], vb[256];
                        size_t na = 0, nb = 0;
                        for (size_t k = 0; k < ow->n_samples && na < 256; k++)
                                va[na++] = ow->samples[k].value;
                        arm_values(w, 0, vb, &nb);
                        if (bench_compare(va, na, vb, nb, false, w->w->higher_is_better, BENCH_BOOTSTRAP_SEED,
                                          &w->cmp) == 0) {
                                w->has_cmp = true;
                                if (!streq_ptr(ow->corpus_sha256, w->corpus_sha256))
                                        res->comparable = false;
                        }
                }
        }
        bench_results_done(&old);
        return 0;
}

int bench_run(const struct bench_opts *o, struct bench_results *ret, char **ret_why) {
        struct bench_results res = { .seed = BENCH_BOOTSTRAP_SEED };
        struct scratch scratch = { 0 };
        struct bench_corpus corpus = { 0 };
        struct abstate ab = { .actx = APPLY_CTX_INIT };
        int state_fd = -1, lock_fd = -1, r;
        _cleanup_free_ char *dir = o->dir ? xstrdup(o->dir) : xasprintf("%s/bench", o->state_dir);
        char *why = NULL;

        /* The workloads asked for (default set). */
        size_t nt;
        const struct bench_workload *t = bench_workloads(&nt);
        res.wl = xcalloc(nt + 1, sizeof *res.wl);
        if (o->workloads)
                for (char **w = o->workloads; *w; w++) {
                        const struct bench_workload *def = bench_workload_find(*w);
                        if (!def) {
                                *ret_why = xasprintf("unknown workload '%s' (see 'vpstune bench --list')", *w);
                                free(res.wl);
                                return -EINVAL;
                        }
                        if (res.n_wl < nt)
                                res.wl[res.n_wl++].w = def;
                }
        else
                for (size_t i = 0; i < nt; i++)
                        if (o->quick ? t[i].in_quick : t[i].in_default)
                                res.wl[res.n_wl++].w = &t[i];

        if (o->ab) {
                const char *w;
                r = bench_ab_parse(o->ab, &res.ab.knob, &res.ab.a, &res.ab.b, &w);
                if (r < 0) {
                        *ret_why = xasprintf("--ab '%s': %s", o->ab, w);
                        bench_results_done(&res);
                        return r;
                }
                if (o->scratch_size && (startswith(res.ab.knob, "mount:") || startswith(res.ab.knob, "bdi:"))) {
                        *ret_why = xasprintf("--ab '%s': with --scratch every cold run mounts the filesystem again, "
                                             "which resets this knob; use --dir on a filesystem you mounted",
                                             res.ab.knob);
                        bench_results_done(&res);
                        return -EINVAL;
                }
                res.has_ab = true;
                res.ab.switch_kind = switch_kind(res.ab.knob);
        }

        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
                r = -errno;
                why = xasprintf("cannot create '%s': %s", dir, strerror(-r));
                goto out;
        }
        enum bench_cold method = o->drop_caches ? BENCH_COLD_DROP : BENCH_COLD_FADVISE;
        const char *base = dir;
        if (o->scratch_size) {
                if ((r = scratch_setup(dir, o->scratch_size, &scratch, &why)) < 0)
                        goto out;
                base = scratch.mnt;
                method = BENCH_COLD_REMOUNT;
        }
        if ((r = bench_corpus_open(base, o->quick, &corpus, &why)) < 0)
                goto out;

        if (res.has_ab) {
                ab.knob = res.ab.knob;
                r = knob_read(o->sr, res.ab.knob, &ab.orig);
                if (r < 0 && r != -ENODATA) {
                        why = xasprintf("cannot read %s: %s", res.ab.knob, strerror(-r));
                        goto out;
                }
                res.ab.orig = ab.orig ? xstrdup(ab.orig) : NULL;
                if ((r = journal_state_open(o->state_dir, true, &state_fd)) < 0) {
                        why = xasprintf("cannot open the state directory '%s': %s", o->state_dir, strerror(-r));
                        goto out;
                }
                if ((r = journal_lock(state_fd, false, &lock_fd)) < 0) {
                        why = xasprintf("the state directory '%s' is locked by another apply or rollback",
                                        o->state_dir);
                        goto out;
                }
                ab.actx.sr = o->sr;
                ab.actx.state_dir = o->state_dir;
                ab.actx.profile = "bench";
                ab.actx.lock_fd = lock_fd;
        }

        res.host_json = fingerprint(o->sr, base, res.has_ab ? res.ab.knob : NULL, res.ab.orig);
        {
                struct json_object *s = json_object_new_object();
                json_object_object_add(s, "dir", json_object_new_string(base));
                json_object_object_add(s, "quick", json_object_new_boolean(o->quick));
                json_object_object_add(s, "runs", json_object_new_int((int) o->runs));
                json_object_object_add(s, "time_budget_s", json_object_new_double(o->time_budget));
                json_object_object_add(s, "cold_method", json_object_new_string(bench_cold_to_string(method)));
                json_object_object_add(s, "scratch_size", json_object_new_int64((int64_t) o->scratch_size));
                json_object_object_add(s, "bootstrap_resamples", json_object_new_int(BENCH_BOOTSTRAP_RESAMPLES));
                json_object_object_add(s, "bootstrap_seed", json_object_new_int64((int64_t) BENCH_BOOTSTRAP_SEED));
                json_object_object_add(s, "corpus_seed", json_object_new_int64((int64_t) BENCH_CORPUS_SEED));
                json_object_object_add(s, "corpus_files", json_object_new_int((int) corpus.n_files));
                json_object_object_add(s, "corpus_generated", json_object_new_boolean(corpus.generated));
                json_object_object_add(s, "corpus_seconds", json_object_new_double(corpus.gen_seconds));
                res.settings_json = xstrdup(json_object_to_json_string_ext(s, JSON_C_TO_STRING_PLAIN));
                json_object_put(s);
        }

        struct driver d = {
                .o = o,
                .env = { .sr = o->sr, .c = &corpus, .cold = method, .quick = o->quick, .remount = scratch_remount,
                         .userdata = &scratch },
                .min_runs = o->runs ? o->runs : o->quick ? 5 : 10,
                .max_runs = o->runs ? o->runs : o->quick ? 10 : 30,
                .budget = o->time_budget > 0 ? o->time_budget : o->quick ? 2.5 : 8,
                .ab = res.has_ab ? &ab : NULL,
                .ab_vals = { res.ab.a, res.ab.b },
        };
        bool any = false;
        for (size_t i = 0; i < res.n_wl; i++) {
                struct bench_wl_result *w = &res.wl[i];
                w->unavailable = bench_workload_unavailable(w->w);
                if (!w->unavailable && (startswith(w->w->id, "git-") && !corpus.have_git))
                        w->unavailable = xstrdup("git is not installed");
                if (w->unavailable)
                        continue;
                w->cold = bench_workload_cold(w->w, method);
                w->corpus_sha256 = xstrdup(strstr(w->w->id, "read") || strstr(w->w->id, "mixed") ? corpus.big_sha256
                                                                                                 : corpus.tree_sha256);
                if ((r = run_workload(&d, w, &why)) < 0)
                        goto out;
                finish_workload(w, res.has_ab);
                any = true;
        }
        res.ab.switches = d.ab_switches;
        r = 0;
        if (res.has_ab) {
                holm_all(&res);
                if ((r = ab_undo(&ab, &why)) < 0)
                        goto out;
        }
        if (o->compare && (r = compare_previous(o, &res, &why)) < 0)
                goto out;
        if (!any) {
                why = xstrdup("no workload could run here");
                r = -ENODATA;
        }
out:
        if (ab.tx) {
                char *w2 = NULL;
                (void) ab_undo(&ab, &w2);
                free(w2);
        }
        free(ab.tx);
        free(ab.orig);
        apply_ctx_done(&ab.actx);
        if (lock_fd >= 0)
                journal_unlock(lock_fd);
        if (state_fd >= 0)
                close(state_fd);
        bench_corpus_done(&corpus);
        scratch_done(&scratch);
        if (r < 0 && !(r == -ENODATA && res.n_wl)) {
                *ret_why = why;
                bench_results_done(&res);
                return r;
        }
        free(why);
        *ret = res;
        return r;
}
