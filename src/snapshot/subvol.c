/* SPDX-License-Identifier: MIT */
/*
 * Which subvolumes there are to snapshot: every btrfs subvolume mounted by
 * path, from mountinfo (any layout, not only @ and @home), each counted
 * once however many bind mounts it has; on the live machine also the
 * subvolumes nested below them that are not mounted themselves (Podman's
 * btrfs layers, /var/lib/machines, ...): a snapshot stops at subvolume
 * boundaries, so they are listed as excluded rather than silently missing.
 */
#include <btrfsutil.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts/facts.h"
#include "log.h"
#include "snapshot/snapshot.h"
#include "util.h"

static void subvol_done(struct snap_subvol *s) {
        free(s->path);
        free(s->name);
        free(s->mountpoint);
        free(s->fs_uuid);
        free(s->source_dev);
        free(s->mount_options);
        free(s->why_excluded);
        free(s->parent);
}

void snap_layout_done(struct snap_layout *l) {
        for (size_t i = 0; i < l->n_subvols; i++)
                subvol_done(&l->subvols[i]);
        free(l->subvols);
        for (size_t i = 0; i < l->n_fss; i++) {
                free(l->fss[i].uuid);
                free(l->fss[i].source_dev);
                free(l->fss[i].top_mountpoint);
        }
        free(l->fss);
        *l = (struct snap_layout) {};
}

const struct snap_fs *snap_layout_fs(const struct snap_layout *l, const char *uuid) {
        for (size_t i = 0; i < l->n_fss; i++)
                if (streq_ptr(l->fss[i].uuid, uuid))
                        return &l->fss[i];
        return NULL;
}

const struct snap_subvol *snap_layout_find(const struct snap_layout *l, const char *what) {
        const struct snap_subvol *s = snap_layout_find_mount(l, what);
        const char *p = what;
        if (s)
                return s;
        while (*p == '/')
                p++;
        for (size_t i = 0; i < l->n_subvols; i++)
                if (!l->subvols[i].excluded && (streq(l->subvols[i].path, p) || streq(l->subvols[i].name, what)))
                        return &l->subvols[i];
        return NULL;
}

const struct snap_subvol *snap_layout_find_mount(const struct snap_layout *l, const char *mp) {
        for (size_t i = 0; i < l->n_subvols; i++)
                if (!l->subvols[i].excluded && streq_ptr(l->subvols[i].mountpoint, mp))
                        return &l->subvols[i];
        return NULL;
}

static struct snap_fs *fs_get(struct snap_layout *l, const struct fs_facts *m) {
        const char *key = m->uuid ? m->uuid : m->majmin;
        struct snap_fs *fs;
        for (size_t i = 0; i < l->n_fss; i++)
                if (streq_ptr(l->fss[i].uuid, key))
                        return &l->fss[i];
        fs = array_grow(&l->fss, &l->n_fss, sizeof *fs);
        fs->uuid = xstrdup(strempty(key));
        fs->source_dev = m->source ? xstrdup(m->source) : NULL;
        return fs;
}

static const char *last_element(const char *p) {
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

/* Subvolumes below a mounted one that are not mounted themselves. */
static void add_nested(struct snap_layout *l, size_t idx) {
        struct btrfs_util_subvolume_iterator *it = NULL;
        enum btrfs_util_error e;
        int fd;

        fd = open(l->subvols[idx].mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return;
        e = btrfs_util_create_subvolume_iterator_fd(fd, 0, 0, &it);
        if (e) {
                log_debug_topic("snapshot", "no nested-subvolume list for %s: %s", l->subvols[idx].mountpoint,
                                btrfs_util_strerror(e));
                close(fd);
                return;
        }
        for (;;) {
                char *rel = NULL;
                uint64_t id = 0;
                e = btrfs_util_subvolume_iterator_next(it, &rel, &id);
                if (e)
                        break;
                _cleanup_free_ char *full = xasprintf("%s/%s", l->subvols[idx].path, rel);
                bool known = false;
                for (size_t i = 0; i < l->n_subvols && !known; i++)
                        known = streq_ptr(l->subvols[i].fs_uuid, l->subvols[idx].fs_uuid) &&
                                (streq(l->subvols[i].path, full) || l->subvols[i].subvol_id == id);
                if (!known) {
                        struct snap_subvol *s = array_grow(&l->subvols, &l->n_subvols, sizeof *s);
                        const struct snap_subvol *par = &l->subvols[idx];
                        s->path = TAKE_PTR(full);
                        s->name = xstrdup(last_element(s->path));
                        s->mountpoint = xasprintf("%s%s%s", par->mountpoint,
                                                  streq(par->mountpoint, "/") ? "" : "/", rel);
                        s->fs_uuid = xstrdup(strempty(par->fs_uuid));
                        s->subvol_id = id;
                        s->excluded = true;
                        s->parent = xstrdup(par->path);
                        s->why_excluded = xasprintf("nested subvolume, not mounted: not in the snapshot of %s "
                                                    "(snapshots stop at subvolume boundaries)", par->path);
                }
                free(rel);
        }
        btrfs_util_destroy_subvolume_iterator(it);
        close(fd);
}

int snap_discover(struct sysroot *sr, struct snap_layout *ret) {
        _cleanup_(facts_freep) struct facts *f = NULL;
        struct snap_layout l = {};
        size_t n_mounted;
        int r;

        r = facts_gather_some(sr, FACTS_NO_IDS, &f);
        if (r < 0)
                return r;
        for (size_t i = 0; i < f->n_fs; i++) {
                const struct fs_facts *m = &f->fs[i];
                struct snap_subvol *s = NULL;
                struct snap_fs *fs;
                const char *path;

                if (!streq_ptr(m->fstype, "btrfs") || !m->mountpoint)
                        continue;
                fs = fs_get(&l, m);
                path = m->subvol ? m->subvol : m->root;
                while (path && *path == '/')
                        path++;
                if (m->subvolid == 5 || !path || !*path) {
                        if (!fs->top_mountpoint)
                                fs->top_mountpoint = xstrdup(m->mountpoint);
                        continue;
                }
                if (startswith(path, SNAPSHOT_DIR "/"))
                        continue; /* one of ours, mounted to look at it */
                for (size_t j = 0; j < l.n_subvols; j++)
                        if (streq(l.subvols[j].fs_uuid, fs->uuid) && streq(l.subvols[j].path, path))
                                s = &l.subvols[j];
                if (s) {
                        /* a bind mount of the same subvolume: keep the shortest mount point */
                        if (strlen(m->mountpoint) < strlen(s->mountpoint)) {
                                free(s->mountpoint);
                                s->mountpoint = xstrdup(m->mountpoint);
                        }
                        continue;
                }
                s = array_grow(&l.subvols, &l.n_subvols, sizeof *s);
                s->path = xstrdup(path);
                s->name = xstrdup(last_element(path));
                s->mountpoint = xstrdup(m->mountpoint);
                s->fs_uuid = xstrdup(fs->uuid);
                s->source_dev = m->source ? xstrdup(m->source) : NULL;
                s->mount_options = strv_join(m->mount_options, ",");
                s->subvol_id = m->subvolid;
        }
        n_mounted = l.n_subvols;
        if (sysroot_is_live(sr))
                for (size_t i = 0; i < n_mounted; i++)
                        add_nested(&l, i);
        *ret = l;
        return 0;
}

/* ---- the top level ---- */

int snap_open_top(const struct snap_fs *fs, int *ret_fd) {
        int fsfd, mfd;

        if (fs->top_mountpoint) {
                int fd = open(fs->top_mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                *ret_fd = fd;
                return 0;
        }
        if (!fs->source_dev)
                return -ENODEV;
        /* A detached mount of subvolid=5: visible to nobody, gone with the
         * last fd (no mount point, nothing to clean up after a crash). */
        fsfd = fsopen("btrfs", FSOPEN_CLOEXEC);
        if (fsfd < 0)
                return -errno;
        if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", fs->source_dev, 0) < 0 ||
            fsconfig(fsfd, FSCONFIG_SET_STRING, "subvolid", "5", 0) < 0 ||
            fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
                int e = -errno;
                close(fsfd);
                return e;
        }
        mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        close(fsfd);
        if (mfd < 0)
                return -errno;
        /* fsmount gives an O_PATH-like fd: ioctls need a real open of it */
        fsfd = openat(mfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        close(mfd);
        if (fsfd < 0)
                return -errno;
        *ret_fd = fsfd;
        return 0;
}
