/* SPDX-License-Identifier: MIT */
/*
 * Restore: the chosen read-only snapshot becomes the live subvolume again.
 *
 *   1. a writable snapshot of it is made beside the source, under the name
 *      the old subvolume will keep: NAME.rollback-TS;
 *   2. renameat2(RENAME_EXCHANGE) swaps the two names in one step: NAME is
 *      now the restored copy, NAME.rollback-TS the old subvolume;
 *   3. the mount point is mounted again (umount, then a new mount of
 *      subvol=NAME with the same per-mount flags). When it is busy (a
 *      process has a file open or its cwd there) or it is "/", it stays on
 *      the old subvolume until the next boot, which mounts NAME by path.
 *
 * Before each step the journal (STATE/snapshots/restore.journal, JSON,
 * replaced atomically) says which step comes; --recover reads it and the
 * subvolumes' UUIDs and finishes (after the swap) or reverts (before it).
 */
#include <btrfsutil.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apply/fault.h"
#include "facts/facts.h"
#include "output/json.h"
#include "snapshot/snapshot.h"
#include "util.h"

#define RESTORE_JOURNAL "restore.journal"

struct rjournal {
        char *state;       /* creating, exchanging, exchanged, scheduled, done, reverted */
        char *snapshot;    /* ID */
        char *fs_uuid;
        char *source;      /* path from the top level */
        char *mountpoint;
        char *options;     /* per-mount flags to mount it again with */
        char *rollback;    /* NAME.rollback-TS, same directory as source */
        char *orig_uuid;   /* of the old subvolume */
        bool is_root;
};

static void rjournal_done(struct rjournal *j) {
        free(j->state);
        free(j->snapshot);
        free(j->fs_uuid);
        free(j->source);
        free(j->mountpoint);
        free(j->options);
        free(j->rollback);
        free(j->orig_uuid);
        *j = (struct rjournal) {};
}

void snap_restore_plan_done(struct snap_restore_plan *p) {
        free(p->snapshot);
        free(p->source);
        free(p->mountpoint);
        free(p->rollback_name);
        free(p->busy_why);
        strv_free(p->steps);
        *p = (struct snap_restore_plan) {};
}

static int sidecar_dirfd(int state_fd, int *ret) {
        int fd;
        if (mkdirat(state_fd, SNAPSHOT_SIDECAR_DIR, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(state_fd, SNAPSHOT_SIDECAR_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        *ret = fd;
        return 0;
}

static int rjournal_write(int state_fd, struct rjournal *j, const char *state) {
        struct json_object *o = json_doc_new(SNAPSHOT_SCHEMA_VERSION);
        _cleanup_free_ char *text = NULL;
        int dfd, r;

        free(j->state);
        j->state = xstrdup(state);
        json_add_str(o, "state", j->state);
        json_add_str(o, "snapshot", j->snapshot);
        json_add_str(o, "fs_uuid", j->fs_uuid);
        json_add_str(o, "source", j->source);
        json_add_str(o, "mountpoint", j->mountpoint);
        json_add_str(o, "options", j->options);
        json_add_str(o, "rollback", j->rollback);
        json_add_str(o, "orig_uuid", j->orig_uuid);
        json_add_bool(o, "is_root", j->is_root);
        json_add_i64(o, "time", (int64_t) snap_now());
        text = json_to_string_owned(o, 1);
        json_object_put(o);
        r = sidecar_dirfd(state_fd, &dfd);
        if (r < 0)
                return r;
        r = snap_write_atomic_at(dfd, RESTORE_JOURNAL, text);
        close(dfd);
        return r;
}

static int rjournal_load(int state_fd, struct rjournal *ret) {
        char buf[16384];
        struct json_object *o, *v;
        ssize_t k;
        int dfd, fd, r = 0;

        r = sidecar_dirfd(state_fd, &dfd);
        if (r < 0)
                return r;
        fd = openat(dfd, RESTORE_JOURNAL, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        close(dfd);
        if (fd < 0)
                return -errno;
        k = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (k < 0)
                return -errno;
        buf[k] = 0;
        o = json_tokener_parse(buf);
        if (!o || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return -EBADMSG;
        }
#define S(f)                                                                                           \
        ret->f = json_object_object_get_ex(o, #f, &v) && json_object_is_type(v, json_type_string) \
                         ? xstrdup(json_object_get_string(v))                                        \
                         : NULL
        S(state);
        S(snapshot);
        S(fs_uuid);
        S(source);
        S(mountpoint);
        S(options);
        S(rollback);
        S(orig_uuid);
#undef S
        ret->is_root = json_object_object_get_ex(o, "is_root", &v) && json_object_get_boolean(v);
        json_object_put(o);
        if (!ret->state || !ret->source || !ret->rollback || !ret->fs_uuid || !ret->mountpoint ||
            strchr(ret->rollback, '/') || strstr(ret->source, "..")) {
                rjournal_done(ret);
                return -EBADMSG;
        }
        return 0;
}

static char *uuid_of(int dirfd, const char *name) {
        struct btrfs_util_subvolume_info si;
        const uint8_t *u = si.uuid;
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return NULL;
        if (btrfs_util_subvolume_info_fd(fd, 0, &si) != BTRFS_UTIL_OK) {
                close(fd);
                return NULL;
        }
        close(fd);
        return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
                         u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* parent directory fd (from the top level) and base name of a source path */
static int open_parent(int top, const char *source, int *ret_fd, const char **ret_base) {
        const char *slash = strrchr(source, '/');
        int fd;
        if (!slash) {
                fd = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                *ret_base = source;
        } else {
                _cleanup_free_ char *dir = xstrndup(source, (size_t) (slash - source));
                fd = openat(top, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                *ret_base = slash + 1;
        }
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

static unsigned mount_attrs(const char *opts) {
        _cleanup_strv_ char **w = strv_split(strempty(opts), ",");
        unsigned a = MOUNT_ATTR_RELATIME;
        for (char **o = w; o && *o; o++) {
                if (streq(*o, "ro"))
                        a |= MOUNT_ATTR_RDONLY;
                else if (streq(*o, "nosuid"))
                        a |= MOUNT_ATTR_NOSUID;
                else if (streq(*o, "nodev"))
                        a |= MOUNT_ATTR_NODEV;
                else if (streq(*o, "noexec"))
                        a |= MOUNT_ATTR_NOEXEC;
                else if (streq(*o, "noatime"))
                        a = (a & ~MOUNT_ATTR__ATIME) | MOUNT_ATTR_NOATIME;
                else if (streq(*o, "strictatime"))
                        a = (a & ~MOUNT_ATTR__ATIME) | MOUNT_ATTR_STRICTATIME;
                else if (streq(*o, "nodiratime"))
                        a |= MOUNT_ATTR_NODIRATIME;
        }
        return a;
}

/* A new mount of subvol=/source at mountpoint, same per-mount flags. */
static int mount_subvol(const char *dev, const char *source, const char *mp, const char *opts) {
        _cleanup_free_ char *sv = xasprintf("/%s", source);
        int fsfd, mfd, r = 0;

        fsfd = fsopen("btrfs", FSOPEN_CLOEXEC);
        if (fsfd < 0)
                return -errno;
        if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", dev, 0) < 0 ||
            fsconfig(fsfd, FSCONFIG_SET_STRING, "subvol", sv, 0) < 0 ||
            fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
                r = -errno;
                close(fsfd);
                return r;
        }
        mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, mount_attrs(opts));
        close(fsfd);
        if (mfd < 0)
                return -errno;
        if (move_mount(mfd, "", AT_FDCWD, mp, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                r = -errno;
        close(mfd);
        return r;
}

/* What is mounted at mp now: the subvolume path (mountinfo root), or NULL. */
static char *mounted_root(struct sysroot *sr, const char *mp) {
        _cleanup_(facts_freep) struct facts *f = NULL;
        char *root = NULL;
        if (facts_gather_some(sr, FACTS_NO_IDS, &f) < 0)
                return NULL;
        for (size_t i = 0; i < f->n_fs; i++) /* the last one is on top */
                if (streq_ptr(f->fs[i].mountpoint, mp) && streq_ptr(f->fs[i].fstype, "btrfs")) {
                        free(root);
                        root = xstrdup(f->fs[i].subvol ? f->fs[i].subvol : strempty(f->fs[i].root));
                }
        return root;
}

/* Step 3: switch the mount, or leave it for the next boot. */
static int remount(struct sysroot *sr, int state_fd, struct rjournal *j, const char *dev,
                   enum snap_restore_result *ret) {
        _cleanup_free_ char *now = mounted_root(sr, j->mountpoint);
        _cleanup_free_ char *want = xasprintf("/%s", j->source);
        int r;

        if (now && streq(now, want)) {
                /* already on the restored one (a crash after the mount, or a boot) */
                *ret = RESTORE_DONE;
                return rjournal_write(state_fd, j, "done");
        }
        if (j->is_root) {
                *ret = RESTORE_SCHEDULED;
                return rjournal_write(state_fd, j, "scheduled");
        }
        if (now) {
                if (umount2(j->mountpoint, UMOUNT_NOFOLLOW) < 0) {
                        if (errno != EBUSY)
                                return -errno;
                        *ret = RESTORE_SCHEDULED;
                        return rjournal_write(state_fd, j, "scheduled");
                }
                fault_point("restore-unmounted");
        }
        r = mount_subvol(dev, j->source, j->mountpoint, j->options);
        if (r < 0)
                return r; /* journal stays "exchanged": --recover mounts it */
        *ret = RESTORE_DONE;
        return rjournal_write(state_fd, j, "done");
}

int snap_restore(struct sysroot *sr, int state_fd, const struct snap_layout *l, const char *id, bool dry_run,
                 bool force, struct snap_restore_plan *ret_plan, enum snap_restore_result *ret) {
        struct snap_info s = {};
        struct rjournal j = {};
        struct snap_restore_plan plan = {};
        const struct snap_subvol *sv = NULL;
        const struct snap_fs *fs;
        const char *base;
        int top = -1, pfd = -1, sdir = -1, r;
        char ts[32];
        time_t now = snap_now();
        struct tm tm;

        {
                struct rjournal old = {};
                if (rjournal_load(state_fd, &old) == 0) {
                        bool open = !streq(old.state, "done") && !streq(old.state, "reverted") &&
                                    !streq(old.state, "scheduled");
                        rjournal_done(&old);
                        if (open)
                                return -EBUSY; /* an interrupted restore: --recover first */
                }
        }
        r = snap_sidecar_load(state_fd, id, &s);
        if (r < 0)
                return r == -ENOENT ? -ENOENT : r;
        for (size_t i = 0; i < l->n_subvols; i++)
                if (!l->subvols[i].excluded && streq_ptr(l->subvols[i].fs_uuid, s.fs_uuid) &&
                    streq_ptr(l->subvols[i].path, s.source))
                        sv = &l->subvols[i];
        fs = snap_layout_fs(l, s.fs_uuid);
        if (!sv || !fs || !fs->source_dev) {
                snap_info_done(&s);
                return -ENXIO; /* its source is not mounted by path */
        }
        localtime_r(&now, &tm);
        strftime(ts, sizeof ts, "%Y%m%dT%H%M%S", &tm);
        j.snapshot = xstrdup(s.id);
        j.fs_uuid = xstrdup(s.fs_uuid);
        j.source = xstrdup(sv->path);
        j.mountpoint = xstrdup(sv->mountpoint);
        j.options = xstrdup(strempty(sv->mount_options));
        j.is_root = streq(sv->mountpoint, "/");
        base = strrchr(j.source, '/') ? strrchr(j.source, '/') + 1 : j.source;
        j.rollback = xasprintf("%s.rollback-%s", base, ts);

        plan.snapshot = xstrdup(s.id);
        plan.source = xstrdup(j.source);
        plan.mountpoint = xstrdup(j.mountpoint);
        plan.rollback_name = xstrdup(j.rollback);
        plan.is_root = j.is_root;
        strv_consume(&plan.steps, xasprintf("writable snapshot of %s/%s as %s", SNAPSHOT_DIR, s.id, j.rollback));
        strv_consume(&plan.steps, xasprintf("swap the names %s and %s (renameat2 RENAME_EXCHANGE): %s is the "
                                            "restored copy, %s keeps the old one", base, j.rollback, base, j.rollback));
        if (j.is_root)
                strv_consume(&plan.steps, xstrdup("/ cannot be unmounted: the next boot mounts the restored one"));
        else
                strv_consume(&plan.steps, xasprintf("mount %s again (subvol=/%s, %s); if busy, at the next boot",
                                                    j.mountpoint, j.source, strempty(j.options)));
        if (dry_run || (j.is_root && !force)) {
                *ret = RESTORE_DRY_RUN;
                *ret_plan = plan;
                snap_info_done(&s);
                rjournal_done(&j);
                return 0;
        }

        r = snap_open_top(fs, &top);
        if (r < 0)
                goto out;
        r = open_parent(top, j.source, &pfd, &base);
        if (r < 0)
                goto out;
        j.orig_uuid = uuid_of(pfd, base);
        if (!j.orig_uuid) {
                r = -ENOTDIR;
                goto out;
        }
        sdir = openat(top, SNAPSHOT_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (sdir < 0) {
                r = -errno;
                goto out;
        }
        r = rjournal_write(state_fd, &j, "creating");
        if (r < 0)
                goto out;
        {
                int sfd = openat(sdir, s.id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                enum btrfs_util_error e;
                if (sfd < 0) {
                        r = -errno;
                        (void) rjournal_write(state_fd, &j, "reverted");
                        goto out;
                }
                e = btrfs_util_create_snapshot_fd2(sfd, pfd, j.rollback, 0, NULL, NULL);
                close(sfd);
                if (e) {
                        r = snap_errno(e);
                        (void) rjournal_write(state_fd, &j, "reverted");
                        goto out;
                }
        }
        fault_point("restore-created");
        r = rjournal_write(state_fd, &j, "exchanging");
        if (r < 0)
                goto out;
        if (renameat2(pfd, base, pfd, j.rollback, RENAME_EXCHANGE) < 0) {
                r = -errno;
                (void) btrfs_util_delete_subvolume_fd(pfd, j.rollback, 0);
                (void) rjournal_write(state_fd, &j, "reverted");
                goto out;
        }
        fault_point("restore-exchanged");
        r = rjournal_write(state_fd, &j, "exchanged");
        if (r < 0)
                goto out;
        r = remount(sr, state_fd, &j, fs->source_dev, ret);
        if (r == 0 && *ret == RESTORE_SCHEDULED)
                plan.busy = !j.is_root;
out:
        if (r == 0) {
                *ret_plan = plan;
                plan = (struct snap_restore_plan) {};
        }
        snap_restore_plan_done(&plan);
        if (sdir >= 0)
                close(sdir);
        if (pfd >= 0)
                close(pfd);
        if (top >= 0)
                close(top);
        snap_info_done(&s);
        rjournal_done(&j);
        return r;
}

int snap_recover(struct sysroot *sr, int state_fd, const struct snap_layout *l, const char **ret_what) {
        struct rjournal j = {};
        const struct snap_fs *fs;
        enum snap_restore_result res;
        _cleanup_free_ char *cur = NULL, *other = NULL;
        const char *base;
        int top = -1, pfd = -1, r;

        r = rjournal_load(state_fd, &j);
        if (r == -ENOENT) {
                *ret_what = "none";
                return 0;
        }
        if (r < 0)
                return r;
        if (streq(j.state, "done") || streq(j.state, "reverted")) {
                *ret_what = "none";
                rjournal_done(&j);
                return 0;
        }
        fs = snap_layout_fs(l, j.fs_uuid);
        if (!fs || !fs->source_dev) {
                rjournal_done(&j);
                return -ENXIO;
        }
        r = snap_open_top(fs, &top);
        if (r < 0)
                goto out;
        r = open_parent(top, j.source, &pfd, &base);
        if (r < 0)
                goto out;
        cur = uuid_of(pfd, base);
        other = uuid_of(pfd, j.rollback);
        if (streq(j.state, "creating") || (streq(j.state, "exchanging") && streq_ptr(cur, j.orig_uuid))) {
                /* before the swap: take the writable copy back */
                if (other && !streq_ptr(other, j.orig_uuid)) {
                        enum btrfs_util_error e = btrfs_util_delete_subvolume_fd(pfd, j.rollback, 0);
                        if (e) {
                                r = snap_errno(e);
                                goto out;
                        }
                }
                r = rjournal_write(state_fd, &j, "reverted");
                *ret_what = "reverted";
                goto out;
        }
        if (!streq_ptr(other, j.orig_uuid)) {
                r = -ESTALE; /* neither before nor after the swap: leave it to a human */
                goto out;
        }
        /* after the swap: finish */
        r = rjournal_write(state_fd, &j, "exchanged");
        if (r < 0)
                goto out;
        r = remount(sr, state_fd, &j, fs->source_dev, &res);
        if (r == 0)
                *ret_what = res == RESTORE_DONE ? "finished" : "scheduled";
out:
        if (pfd >= 0)
                close(pfd);
        if (top >= 0)
                close(top);
        rjournal_done(&j);
        return r;
}
