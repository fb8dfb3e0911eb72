/* SPDX-License-Identifier: MIT */
/*
 * fs.space: the seed's daily `df -h`, judged. One result per real
 * filesystem: bind mounts and the subvolumes of one btrfs share the
 * superblock (mountinfo's MAJ:MIN) and are counted once, under their
 * shortest mountpoint. btrfs is measured from sysfs (raw bytes used on the
 * devices, what `btrfs filesystem usage` calls "Used"), so a captured
 * sysroot answers too; other filesystems need statfs (live only).
 * Read-only images (squashfs, erofs, iso9660) are full by design: skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "health/health.h"
#include "util.h"

static bool read_only_image(const char *fstype) {
        static const char *const t[] = { "squashfs", "erofs", "iso9660", "udf", "cramfs" };
        for (size_t i = 0; fstype && i < ELEMENTSOF(t); i++)
                if (streq(fstype, t[i]))
                        return true;
        return false;
}

/* size = used + available to users (df's Use% denominator). */
static void judge(struct health_ctx *c, struct health_result *x, const char *mnt, double used, double size,
                  const char *how) {
        char a[32], b[32];
        double pct = size > 0 ? used * 100.0 / size : 0;
        health_set_value(x, pct, "%");
        health_set_thresholds(x, c->cfg->fs_space_warn, c->cfg->fs_space_crit, false);
        x->status = health_judge(pct, c->cfg->fs_space_warn, c->cfg->fs_space_crit, false);
        health_set_summary(x, "%.0f%% used (%s used, %s free)", pct, health_bytes(a, used), health_bytes(b, size - used));
        health_evidence(x, "%s", how);
        if (x->status != HEALTH_OK)
                health_set_remedy(x, "free space on %s: `du -xsh %s/* | sort -h` finds what grew; on btrfs, "
                                  "old snapshots pin space (`vpstune snapshot --prune`)", mnt,
                                  streq(mnt, "/") ? "" : mnt);
        {
                _cleanup_free_ char *s = health_slug(mnt);
                x->perf_label = xasprintf("fs_space_%s", s);
        }
}

static void run(struct health_ctx *c, struct health_report *r) {
        const struct facts *f = c->facts;
        _cleanup_strv_ char **seen = NULL;
        const struct health_btrfs *bt;
        size_t nbt;
        bool any = false;

        health_btrfs_list(c, &bt, &nbt);
        for (size_t i = 0; f && i < f->n_fs; i++) {
                const struct fs_facts *m = &f->fs[i];
                const char *key = m->majmin ? m->majmin : m->mountpoint;
                const char *mnt = m->mountpoint;
                struct health_result *x;

                if (!facts_fs_is_storage(f, m) || read_only_image(m->fstype) || strv_contains(seen, key))
                        continue;
                /* The shortest mountpoint of this superblock names it. */
                for (size_t k = i + 1; k < f->n_fs; k++)
                        if (streq_ptr(f->fs[k].majmin, m->majmin) && strlen(f->fs[k].mountpoint) < strlen(mnt))
                                mnt = f->fs[k].mountpoint;
                strv_push(&seen, key);
                any = true;
                x = health_add(r, "fs.space", mnt);
                if (streq_ptr(m->fstype, "btrfs")) {
                        const struct health_btrfs *b = NULL;
                        for (size_t k = 0; k < nbt; k++)
                                if (streq_ptr(bt[k].uuid, m->uuid))
                                        b = &bt[k];
                        if (b && b->have_usage) {
                                double used = (double) (b->data.disk_used + b->metadata.disk_used + b->system.disk_used);
                                _cleanup_free_ char *p = sysroot_display_path(SR_SYS, "fs/btrfs");
                                _cleanup_free_ char *how = xasprintf("btrfs %s: raw bytes used on its devices (%s/%s/allocation)",
                                                                     b->uuid, p, b->uuid);
                                judge(c, x, mnt, used, (double) b->size, how);
                                continue;
                        }
                }
                if (!sysroot_is_live(c->sr)) {
                        health_set_summary(x, "free space of a captured sysroot is not known");
                        health_evidence(x, "%s (%s): statfs needs the live machine", strna(m->source), strna(m->fstype));
                        continue;
                }
                {
                        struct statvfs sv;
                        int fd = sysroot_openat(c->sr, SR_ROOT, mnt[1] ? mnt + 1 : ".", O_RDONLY | O_DIRECTORY | O_NONBLOCK, 0);
                        if (fd < 0 || fstatvfs(fd, &sv) < 0) {
                                int e = fd < 0 ? fd : -errno;
                                if (fd >= 0)
                                        close(fd);
                                health_set_summary(x, "cannot statfs %s: %s", mnt, strerror(-e));
                                continue;
                        }
                        close(fd);
                        /* df: used = blocks - free; size = used + avail (the
                         * reserved blocks are not the user's). */
                        double bs = (double) sv.f_frsize, used = ((double) sv.f_blocks - (double) sv.f_bfree) * bs;
                        double size = used + (double) sv.f_bavail * bs;
                        _cleanup_free_ char *how = xasprintf("statfs %s (%s on %s), as df computes Use%%", mnt,
                                                             strna(m->fstype), strna(m->source));
                        judge(c, x, mnt, used, size, how);
                }
        }
        if (!any) {
                struct health_result *x = health_add(r, "fs.space", "-");
                health_set_summary(x, "no storage filesystem is mounted");
        }
}

const struct health_check health_check_fs_space = {
        .id = "fs.space",
        .description = "space used per real filesystem (bind mounts and subvolumes counted once)",
        .run = run,
};
