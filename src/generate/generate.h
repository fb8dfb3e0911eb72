/* SPDX-License-Identifier: MIT */
/*
 * generate: persistent configuration for this machine, written from the
 * same facts and plan that apply uses (DESIGN.md "generate/"). One emitter
 * per target, each in its own file (gen-TARGET.c); they write text to a
 * FILE* they are given and never print or exit.
 *
 * Rules every emitter follows:
 *  - every device comes from facts: by-uuid (filesystems), by-id (disks,
 *    when udev made a link), else the kernel name with a comment; nothing
 *    is invented. A filesystem whose UUID is unknown (a sysroot without
 *    udev links) is written as a commented-out line saying so;
 *  - an item the profile wants but this machine lacks (plan status absent,
 *    unsupported, error) is not emitted: a comment says why, and the
 *    header lists all of them;
 *  - output is deterministic for a given machine, profile and time
 *    (SOURCE_DATE_EPOCH, reproducible-builds.org), so goldens can compare it.
 */
#pragma once

#include <stdio.h>
#include <time.h>

#include "config.h"
#include "facts/facts.h"
#include "generate/devlinks.h"
#include "plan/plan.h"
#include "profile/profile.h"
#include "sysroot.h"

enum gen_target {
        GEN_NIXOS,
        GEN_DISKO,
        GEN_FSTAB,
        GEN_SYSCTL,
        GEN_UDEV,
        GEN_CONTAINERS,
        GEN_NIX,
        GEN_ZRAM,
        GEN_SYSTEMD,
        GEN_BTRBK,
        GEN_TUNED,
        GEN_TMPFILES,
        GEN_PROMETHEUS_RULES,
        GEN_GRAFANA,
        _GEN_TARGET_MAX,
};

struct gen_ctx {
        const struct facts *f;
        const struct plan *plan;
        const struct profile *profile;
        const struct devlinks *links; /* dev/disk/by-* of the sysroot; may be NULL */
        const char *version;          /* "0.1.0" */
        time_t now;                   /* for the header; gen_now() */
        /* systemd units: the binary their ExecStart runs, and where verify
         * writes its Prometheus file (node_exporter's textfile collector). */
        const char *exec_path;
        const char *prom_path;
};

/* Where "meson install" put the binary (-Dprefix, -Dsbindir). */
#define GEN_DEFAULT_EXEC_PATH VPSTUNE_SBIN_PATH
/* Debian's prometheus-node-exporter reads --collector.textfile.directory=
 * /var/lib/prometheus/node-exporter (its /etc/default/prometheus-node-exporter). */
#define GEN_DEFAULT_PROM_PATH "/var/lib/prometheus/node-exporter/vpstune.prom"

/* One output file of a target: systemd has three, the others one. */
struct gen_file {
        const char *name;             /* "60-vpstune.conf": the name to install it under */
        int (*emit)(const struct gen_ctx *g, FILE *out);
};

int gen_target_from_string(const char *s, enum gen_target *ret);
const char *gen_target_to_string(enum gen_target t);
/* One line for --help. */
const char *gen_target_summary(enum gen_target t);
const struct gen_file *gen_target_files(enum gen_target t, size_t *ret_n);

/* SOURCE_DATE_EPOCH when set and valid (reproducible output), else time(). */
time_t gen_now(void);

/* All files of a target to out; several are separated by "# ---- NAME ----"
 * lines. Returns 0 or a negative errno (-EIO on a write error). */
int gen_emit_all(const struct gen_ctx *g, enum gen_target t, FILE *out);
