/* SPDX-License-Identifier: MIT */
/*
 * Creating, finding, pinning, pruning and deleting snapshots.
 *
 * Order of effects (write-ahead): the sidecar is written before the
 * snapshot is made and completed after; deletion removes the subvolume
 * first and the sidecar after. A crash leaves either a sidecar without a
 * snapshot ("missing" in --list, removed by --delete or --prune) or a
 * snapshot without a sidecar (kind "unknown", under retention like any
 * other): never a snapshot nobody knows about.
 */
#include <btrfsutil.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "log.h"
#include "snapshot/snapshot.h"
#include "util.h"

int snap_errno(int e) {
        if (e == BTRFS_UTIL_OK)
                return 0;
        return errno > 0 ? -errno : -EIO;
}

static char *uuid_str(const uint8_t u[16]) {
        return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
                         u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

int snap_free_percent(int top_fd, double *ret) {
        struct statfs st;
        if (fstatfs(top_fd, &st) < 0)
                return -errno;
        if (st.f_blocks == 0)
                return -EINVAL;
        *ret = 100.0 * (double) st.f_bavail / (double) st.f_blocks;
        return 0;
}

static int open_snapdir(int top_fd, bool create, int *ret) {
        int fd;
        if (create && mkdirat(top_fd, SNAPSHOT_DIR, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(top_fd, SNAPSHOT_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        *ret = fd;
        return 0;
}

int snap_open_snapdir(const struct snap_layout *l, const char *fs_uuid, bool create, int *ret_top, int *ret_dir) {
        const struct snap_fs *fs = snap_layout_fs(l, fs_uuid);
        int top, r;
        if (!fs)
                return -ENODEV;
        r = snap_open_top(fs, &top);
        if (r < 0)
                return r;
        r = open_snapdir(top, create, ret_dir);
        if (r < 0) {
                close(top);
                return r;
        }
        if (ret_top)
                *ret_top = top;
        else
                close(top);
        return 0;
}

static bool name_taken(int state_fd, int snapdir_fd, const char *name) {
        struct snap_info s = {};
        if (faccessat(snapdir_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return true;
        if (snap_sidecar_load(state_fd, name, &s) == 0) {
                snap_info_done(&s);
                return true;
        }
        return false;
}

/* The newest sidecar of this source (for --if-changed). */
static int newest_of(int state_fd, const char *fs_uuid, const char *source, struct snap_info *ret) {
        struct snap_info *a = NULL;
        size_t n = 0;
        int found = -ENOENT;
        if (snap_sidecar_list(state_fd, &a, &n, NULL) < 0)
                return -ENOENT;
        for (size_t i = n; i-- > 0;)
                if (streq_ptr(a[i].fs_uuid, fs_uuid) && streq_ptr(a[i].source, source) && a[i].uuid) {
                        *ret = a[i];
                        a[i] = (struct snap_info) {};
                        found = 0;
                        break;
                }
        snap_info_array_free(a, n);
        return found;
}

int snap_create(int state_fd, const struct snap_subvol *sv, const struct snap_fs *fs,
                const struct snap_create_opts *o, struct snap_info *ret) {
        struct btrfs_util_subvolume_info si, ni;
        struct snap_info s = {};
        enum btrfs_util_error e;
        int src = -1, top = -1, dir = -1, nfd, r;
        time_t now = snap_now();

        src = open(sv->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (src < 0)
                return -errno;
        e = btrfs_util_is_subvolume_fd(src);
        if (e) {
                r = e == BTRFS_UTIL_ERROR_NOT_SUBVOLUME || e == BTRFS_UTIL_ERROR_NOT_BTRFS ? -ENOTDIR : snap_errno(e);
                goto out;
        }
        e = btrfs_util_subvolume_info_fd(src, 0, &si);
        if (e) {
                r = snap_errno(e);
                goto out;
        }
        if (o->if_changed) {
                struct snap_info last = {};
                if (newest_of(state_fd, fs->uuid, sv->path, &last) == 0) {
                        bool same = last.source_generation == si.ctransid;
                        snap_info_done(&last);
                        if (same) {
                                r = 1; /* unchanged: nothing made */
                                goto out;
                        }
                }
        }
        r = snap_open_top(fs, &top);
        if (r < 0)
                goto out;
        r = open_snapdir(top, true, &dir);
        if (r < 0)
                goto out;

        s.id = snap_name_format(sv->name, now, 0);
        for (unsigned n = 1; name_taken(state_fd, dir, s.id) && n < 1000; n++) {
                free(s.id);
                s.id = snap_name_format(sv->name, now, n);
        }
        if (!snap_id_is_valid(s.id)) {
                r = -EINVAL;
                goto out;
        }
        s.fs_uuid = xstrdup(fs->uuid);
        s.path = xasprintf("%s/%s", SNAPSHOT_DIR, s.id);
        s.source = xstrdup(sv->path);
        s.mountpoint = xstrdup(sv->mountpoint);
        s.created = now;
        s.kind = o->kind;
        s.pair = o->pair ? xstrdup(o->pair) : NULL;
        s.description = o->description ? xstrdup(o->description) : NULL;
        for (char **t = o->tags; t && *t; t++)
                strv_push(&s.tags, *t);
        s.transaction = o->transaction ? xstrdup(o->transaction) : NULL;
        s.source_uuid = uuid_str(si.uuid);
        s.source_generation = si.ctransid;

        /* write-ahead: the sidecar names the snapshot before it exists */
        r = snap_sidecar_write(state_fd, &s);
        if (r < 0)
                goto out;
        e = btrfs_util_create_snapshot_fd2(src, dir, s.id, BTRFS_UTIL_CREATE_SNAPSHOT_READ_ONLY, NULL, NULL);
        if (e) {
                r = snap_errno(e);
                (void) snap_sidecar_remove(state_fd, s.id);
                goto out;
        }
        nfd = openat(dir, s.id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (nfd >= 0) {
                if (btrfs_util_subvolume_info_fd(nfd, 0, &ni) == BTRFS_UTIL_OK) {
                        s.uuid = uuid_str(ni.uuid);
                        s.subvol_id = ni.id;
                        s.generation = ni.otransid;
                }
                close(nfd);
        }
        r = snap_sidecar_write(state_fd, &s);
        if (r < 0) {
                /* nothing changed on error: take the snapshot back */
                (void) btrfs_util_delete_subvolume_fd(dir, s.id, 0);
                (void) snap_sidecar_remove(state_fd, s.id);
                goto out;
        }
        s.has_sidecar = s.on_disk = true;
        s.pinned_bytes = -1;
        *ret = s;
        s = (struct snap_info) {};
        r = 0;
out:
        snap_info_done(&s);
        if (dir >= 0)
                close(dir);
        if (top >= 0)
                close(top);
        close(src);
        return r;
}

int snap_delete(int state_fd, const struct snap_layout *l, const struct snap_info *s) {
        int dir = -1, fd, r;

        if (!snap_id_is_valid(s->id))
                return -EINVAL;
        r = snap_open_snapdir(l, s->fs_uuid, false, NULL, &dir);
        if (r < 0 && r != -ENOENT)
                return r;
        if (dir >= 0) {
                fd = openat(dir, s->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (fd >= 0) {
                        struct btrfs_util_subvolume_info si;
                        enum btrfs_util_error e = btrfs_util_subvolume_info_fd(fd, 0, &si);
                        close(fd);
                        if (e) {
                                r = e == BTRFS_UTIL_ERROR_NOT_SUBVOLUME ? -ENOTDIR : snap_errno(e);
                                close(dir);
                                return r;
                        }
                        if (s->uuid) {
                                _cleanup_free_ char *u = uuid_str(si.uuid);
                                if (!streq(u, s->uuid)) {
                                        close(dir);
                                        return -ESTALE; /* another subvolume took the name */
                                }
                        }
                        e = btrfs_util_delete_subvolume_fd(dir, s->id, 0);
                        if (e) {
                                r = snap_errno(e);
                                close(dir);
                                return r;
                        }
                } else if (errno != ENOENT) {
                        r = -errno;
                        close(dir);
                        return r;
                }
                close(dir);
        }
        r = snap_sidecar_remove(state_fd, s->id);
        return r == -ENOENT ? 0 : r;
}

static struct snap_info *find_id(struct snap_info *a, size_t n, const char *id) {
        for (size_t i = 0; i < n; i++)
                if (streq(a[i].id, id))
                        return &a[i];
        return NULL;
}

int snap_scan(int state_fd, const struct snap_layout *l, bool live, struct snap_info **ret, size_t *ret_n) {
        struct snap_info *a = NULL;
        size_t n = 0;
        int r;

        r = snap_sidecar_list(state_fd, &a, &n, NULL);
        if (r < 0)
                return r;
        for (size_t f = 0; live && f < l->n_fss; f++) {
                struct dirent *de;
                DIR *d;
                int dir;

                if (snap_open_snapdir(l, l->fss[f].uuid, false, NULL, &dir) < 0)
                        continue;
                for (size_t i = 0; i < n; i++)
                        if (streq_ptr(a[i].fs_uuid, l->fss[f].uuid))
                                a[i].scanned = true;
                d = fdopendir(dir);
                if (!d) {
                        close(dir);
                        continue;
                }
                while ((de = readdir(d))) {
                        struct btrfs_util_subvolume_info si;
                        _cleanup_free_ char *base = NULL;
                        struct snap_info *s;
                        time_t t;
                        int fd;

                        if (de->d_name[0] == '.' || !snap_id_is_valid(de->d_name) ||
                            snap_name_parse(de->d_name, &base, &t, NULL, NULL) < 0)
                                continue;
                        s = find_id(a, n, de->d_name);
                        if (s && streq_ptr(s->fs_uuid, l->fss[f].uuid)) {
                                s->on_disk = true;
                                continue;
                        }
                        fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                        if (fd < 0)
                                continue;
                        if (btrfs_util_subvolume_info_fd(fd, 0, &si) != BTRFS_UTIL_OK) {
                                close(fd);
                                continue;
                        }
                        close(fd);
                        s = array_grow(&a, &n, sizeof *s);
                        s->id = xstrdup(de->d_name);
                        s->fs_uuid = xstrdup(l->fss[f].uuid);
                        s->path = xasprintf("%s/%s", SNAPSHOT_DIR, de->d_name);
                        s->source = xstrdup(base);
                        for (size_t i = 0; i < l->n_subvols; i++)
                                if (!l->subvols[i].excluded && streq(l->subvols[i].name, base) &&
                                    streq_ptr(l->subvols[i].fs_uuid, l->fss[f].uuid)) {
                                        free(s->source);
                                        s->source = xstrdup(l->subvols[i].path);
                                        s->mountpoint = xstrdup(l->subvols[i].mountpoint);
                                }
                        s->created = (int64_t) t;
                        s->kind = SNAP_UNKNOWN;
                        s->uuid = uuid_str(si.uuid);
                        s->subvol_id = si.id;
                        s->generation = si.otransid;
                        s->on_disk = s->scanned = true;
                        s->pinned_bytes = -1;
                }
                closedir(d);
        }
        snap_info_sort(a, n);
        *ret = a;
        *ret_n = n;
        return 0;
}

static bool has_tag(char *const *tags, const char *t) {
        return strv_contains(tags, t);
}

void snap_mark_pins(struct snap_info *a, size_t n) {
        for (size_t i = 0; i < n; i++) {
                a[i].pinned = false;
                a[i].pin_reason = NULL;
                a[i].newest = false;
                if (a[i].scanned && !a[i].on_disk)
                        continue; /* missing: nothing to keep */
                if (has_tag(a[i].tags, "important")) {
                        a[i].pinned = true;
                        a[i].pin_reason = "tagged important";
                } else if (a[i].transaction) {
                        a[i].pinned = true;
                        a[i].pin_reason = "pre-snapshot of an apply transaction";
                }
        }
        /* a is sorted by (fs, source, created): the last of each run is the newest */
        for (size_t i = 0; i < n; i++) {
                if (a[i].scanned && !a[i].on_disk)
                        continue;
                bool last = true;
                for (size_t j = i + 1; j < n && last; j++)
                        if (streq_ptr(a[j].fs_uuid, a[i].fs_uuid) && streq_ptr(a[j].source, a[i].source) &&
                            !(a[j].scanned && !a[j].on_disk))
                                last = false;
                if (last) {
                        a[i].newest = true;
                        if (!a[i].pinned) {
                                a[i].pinned = true;
                                a[i].pin_reason = "newest of its subvolume";
                        }
                }
        }
}

static const char *base_of(const char *path) {
        const char *s = path ? strrchr(path, '/') : NULL;
        return s ? s + 1 : strempty(path);
}

void snap_prune_plan(const struct snap_info *a, size_t n, const struct snap_policy *p, time_t now, bool force,
                     bool *del, const char **why) {
        _cleanup_free_ bool *done = xcalloc(n ? n : 1, sizeof(bool));
        _cleanup_free_ struct snap_sched *s = xcalloc(n ? n : 1, sizeof *s);
        _cleanup_free_ size_t *idx = xcalloc(n ? n : 1, sizeof *idx);

        for (size_t i = 0; i < n; i++) {
                del[i] = false;
                why[i] = "kept";
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *bi = NULL;
                size_t m = 0, pairs = 0;

                if (done[i])
                        continue;
                if (a[i].scanned && !a[i].on_disk) {
                        /* sidecar of a snapshot that is gone */
                        del[i] = true;
                        why[i] = "snapshot missing on disk: sidecar removed";
                        done[i] = true;
                        continue;
                }
                if (snap_name_parse(a[i].id, &bi, NULL, NULL, NULL) < 0) {
                        done[i] = true;
                        why[i] = "kept: name not in btrbk's format";
                        continue;
                }
                /* one btrbk group: same filesystem, same NAME */
                for (size_t j = i; j < n; j++) {
                        _cleanup_free_ char *bj = NULL;
                        if (done[j] || !streq_ptr(a[j].fs_uuid, a[i].fs_uuid) || (a[j].scanned && !a[j].on_disk) ||
                            snap_name_parse(a[j].id, &bj, &s[m].t, &s[m].n, &s[m].exact) < 0 || !streq(bi, bj))
                                continue;
                        idx[m++] = j;
                        done[j] = true;
                }
                snap_schedule(s, m, p, now);
                for (size_t k = 0; k < m; k++) {
                        del[idx[k]] = !s[k].keep;
                        why[idx[k]] = s[k].keep ? s[k].reason : "not in the retention schedule";
                }
                /* pair limit: pre snapshots newest first (a is sorted by time) */
                for (size_t k = m; k-- > 0;) {
                        const struct snap_info *x = &a[idx[k]];
                        if (x->kind != SNAP_PRE)
                                continue;
                        if (p->max_pairs && ++pairs > p->max_pairs) {
                                del[idx[k]] = true;
                                why[idx[k]] = "beyond the pre/post pair limit";
                                for (size_t q = 0; q < m; q++)
                                        if (a[idx[q]].kind == SNAP_POST && streq_ptr(a[idx[q]].pair, x->id)) {
                                                del[idx[q]] = true;
                                                why[idx[q]] = "beyond the pre/post pair limit";
                                        }
                        }
                }
        }
        for (size_t i = 0; i < n; i++)
                if (del[i] && a[i].pinned && !force) {
                        del[i] = false;
                        why[i] = a[i].pin_reason;
                }
        (void) base_of;
}

/* ---- space a snapshot pins ---- */

/* Bytes of the source subvolume's file extents written after generation
 * gen: what overwrote data the snapshot still holds (an upper estimate:
 * appended data counts too). TREE_SEARCH_V2 skips older leaves. */
static int extents_newer(int fd, uint64_t tree, uint64_t gen, uint64_t *ret) {
        const size_t bufsz = 64 * 1024;
        _cleanup_free_ struct btrfs_ioctl_search_args_v2 *args = xmalloc(sizeof *args + bufsz);
        uint64_t total = 0;

        memset(args, 0, sizeof *args);
        args->key.tree_id = tree;
        args->key.min_objectid = 0;
        args->key.max_objectid = UINT64_MAX;
        args->key.min_type = BTRFS_EXTENT_DATA_KEY;
        args->key.max_type = BTRFS_EXTENT_DATA_KEY;
        args->key.min_offset = 0;
        args->key.max_offset = UINT64_MAX;
        args->key.min_transid = gen + 1;
        args->key.max_transid = UINT64_MAX;
        for (;;) {
                size_t off = 0;
                struct btrfs_ioctl_search_header h = {};
                args->key.nr_items = 4096;
                args->buf_size = bufsz;
                if (ioctl(fd, BTRFS_IOC_TREE_SEARCH_V2, args) < 0)
                        return -errno;
                if (args->key.nr_items == 0)
                        break;
                for (uint32_t i = 0; i < args->key.nr_items; i++) {
                        memcpy(&h, args->buf + off, sizeof h);
                        off += sizeof h;
                        if (h.type == BTRFS_EXTENT_DATA_KEY && h.len >= 53) {
                                const uint8_t *fe = args->buf + off;
                                uint64_t egen, disk_bytenr, num_bytes;
                                memcpy(&egen, fe, 8);
                                memcpy(&disk_bytenr, fe + 21, 8);
                                memcpy(&num_bytes, fe + 45, 8);
                                if (egen > gen && fe[20] != BTRFS_FILE_EXTENT_INLINE && disk_bytenr)
                                        total += num_bytes;
                        }
                        off += h.len;
                }
                /* next key after the last one returned */
                args->key.min_objectid = h.objectid;
                args->key.min_type = h.type;
                args->key.min_offset = h.offset + 1;
                if (h.offset == UINT64_MAX) {
                        if (h.objectid == UINT64_MAX)
                                break;
                        args->key.min_objectid = h.objectid + 1;
                        args->key.min_offset = 0;
                }
        }
        *ret = total;
        return 0;
}

void snap_estimate_pinned(struct sysroot *sr, const struct snap_layout *l, struct snap_info *a, size_t n) {
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *en = NULL, *inc = NULL, *ex = NULL;
                uint64_t v;
                a[i].pinned_bytes = -1;
                a[i].pinned_method = NULL;
                if (!a[i].fs_uuid || (a[i].scanned && !a[i].on_disk))
                        continue;
                /* existing qgroups (never enabled by us), only when consistent */
                en = xasprintf("fs/btrfs/%s/qgroups/enabled", a[i].fs_uuid);
                inc = xasprintf("fs/btrfs/%s/qgroups/inconsistent", a[i].fs_uuid);
                ex = xasprintf("fs/btrfs/%s/qgroups/0_%" PRIu64 "/exclusive", a[i].fs_uuid, a[i].subvol_id);
                if (a[i].subvol_id && sysroot_read_u64(sr, SR_SYS, en, &v) == 0 && v == 1 &&
                    sysroot_read_u64(sr, SR_SYS, inc, &v) == 0 && v == 0 &&
                    sysroot_read_u64(sr, SR_SYS, ex, &v) == 0) {
                        a[i].pinned_bytes = (int64_t) v;
                        a[i].pinned_method = "qgroup";
                        continue;
                }
                if (!sysroot_is_live(sr) || !a[i].generation)
                        continue;
                for (size_t j = 0; j < l->n_subvols; j++) {
                        const struct snap_subvol *sv = &l->subvols[j];
                        int fd;
                        if (sv->excluded || !streq_ptr(sv->fs_uuid, a[i].fs_uuid) || !streq_ptr(sv->path, a[i].source) ||
                            !sv->subvol_id)
                                continue;
                        fd = open(sv->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (fd < 0)
                                break;
                        if (extents_newer(fd, sv->subvol_id, a[i].generation, &v) == 0) {
                                a[i].pinned_bytes = (int64_t) v;
                                a[i].pinned_method = "extents-newer-than-generation";
                        }
                        close(fd);
                        break;
                }
        }
}

/* Waits (bounded) until the cleaner has dropped subvolume id, so that
 * statfs sees the space come back. */
static void wait_cleaned(int top_fd, uint64_t id) {
        for (int i = 0; i < 100; i++) {
                uint64_t *ids = NULL;
                size_t n = 0;
                bool gone = true;
                (void) btrfs_util_sync_fd(top_fd);
                if (btrfs_util_deleted_subvolumes_fd(top_fd, &ids, &n) != BTRFS_UTIL_OK) {
                        free(ids);
                        return;
                }
                for (size_t k = 0; k < n; k++)
                        gone = gone && ids[k] != id;
                free(ids);
                if (gone)
                        return;
                usleep(100 * 1000);
        }
}

int snap_make_room(int state_fd, const struct snap_layout *l, const char *fs_uuid, int top_fd, double *ret_pct,
                   char ***ret_deleted, char ***ret_failed) {
        double pct;
        int r;

        r = snap_free_percent(top_fd, &pct);
        if (r < 0)
                return r;
        while (pct < SNAP_GUARD_PRUNE_PCT) {
                struct snap_info *a = NULL, *victim = NULL;
                size_t n = 0;
                r = snap_scan(state_fd, l, true, &a, &n);
                if (r < 0)
                        return r;
                snap_mark_pins(a, n);
                for (size_t i = 0; i < n; i++) {
                        if (!streq_ptr(a[i].fs_uuid, fs_uuid) || a[i].pinned || !a[i].on_disk ||
                            strv_contains(*ret_failed, a[i].id))
                                continue;
                        if (!victim || a[i].created < victim->created)
                                victim = &a[i];
                }
                if (!victim) {
                        snap_info_array_free(a, n);
                        break;
                }
                r = snap_delete(state_fd, l, victim);
                if (r < 0)
                        strv_push(ret_failed, victim->id); /* one failure never stops the rest */
                else {
                        strv_push(ret_deleted, victim->id);
                        if (victim->subvol_id)
                                wait_cleaned(top_fd, victim->subvol_id);
                }
                snap_info_array_free(a, n);
                r = snap_free_percent(top_fd, &pct);
                if (r < 0)
                        return r;
        }
        *ret_pct = pct;
        return 0;
}
