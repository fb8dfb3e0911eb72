/* SPDX-License-Identifier: MIT */
/*
 * Sidecars: STATE/snapshots/ID.json, one per snapshot (format in
 * snapshot.h, the contract health reads). Written atomically: temp file,
 * fsync, rename, fsync of the directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/json.h"
#include "snapshot/snapshot.h"
#include "util.h"

#define SIDECAR_MAX (256u * 1024u)

const char *snap_kind_to_string(enum snap_kind k) {
        static const char *const s[] = { "single", "pre", "post", "unknown" };
        return (unsigned) k < ELEMENTSOF(s) ? s[k] : "unknown";
}

static enum snap_kind kind_from_string(const char *s) {
        for (enum snap_kind k = SNAP_SINGLE; k < SNAP_UNKNOWN; k++)
                if (streq_ptr(s, snap_kind_to_string(k)))
                        return k;
        return SNAP_UNKNOWN;
}

void snap_info_done(struct snap_info *s) {
        if (!s)
                return;
        free(s->id);
        free(s->fs_uuid);
        free(s->path);
        free(s->source);
        free(s->mountpoint);
        free(s->pair);
        free(s->description);
        strv_free(s->tags);
        free(s->transaction);
        free(s->source_uuid);
        free(s->uuid);
        *s = (struct snap_info) {};
}

void snap_info_array_free(struct snap_info *a, size_t n) {
        for (size_t i = 0; i < n; i++)
                snap_info_done(&a[i]);
        free(a);
}

/* Names are file names in the state dir and subvolume names on disk: no
 * '/', no leading '.', printable ASCII, bounded. */
bool snap_id_is_valid(const char *id) {
        size_t l;
        if (!id || !*id || id[0] == '.' || (l = strlen(id)) > 200)
                return false;
        for (const char *p = id; *p; p++)
                if (*p == '/' || (unsigned char) *p <= ' ' || (unsigned char) *p >= 0x7f)
                        return false;
        return true;
}

static const char *jstr(struct json_object *o, const char *key) {
        struct json_object *v;
        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static char *jdup(struct json_object *o, const char *key) {
        const char *s = jstr(o, key);
        return s ? xstrdup(s) : NULL;
}

static int64_t jint(struct json_object *o, const char *key) {
        struct json_object *v;
        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
                return 0;
        return json_object_get_int64(v);
}

int snap_sidecar_parse(const char *text, struct snap_info *ret) {
        struct json_tokener *tok;
        struct json_object *o, *tags;
        struct snap_info s = {};
        int r = 0;

        tok = json_tokener_new();
        if (!tok)
                return -ENOMEM;
        o = json_tokener_parse_ex(tok, text, (int) strnlen(text, SIDECAR_MAX));
        if (!o || json_tokener_get_error(tok) != json_tokener_success || !json_object_is_type(o, json_type_object)) {
                r = -EBADMSG;
                goto out;
        }
        if (jint(o, "schema_version") != SNAPSHOT_SCHEMA_VERSION || !snap_id_is_valid(jstr(o, "id"))) {
                r = -EBADMSG;
                goto out;
        }
        s.id = jdup(o, "id");
        s.fs_uuid = jdup(o, "fs_uuid");
        s.path = jdup(o, "path");
        s.source = jdup(o, "source");
        s.mountpoint = jdup(o, "mountpoint");
        s.created = jint(o, "created");
        s.kind = kind_from_string(jstr(o, "kind"));
        s.pair = jdup(o, "pair");
        s.description = jdup(o, "description");
        if (json_object_object_get_ex(o, "tags", &tags) && json_object_is_type(tags, json_type_array))
                for (size_t i = 0; i < json_object_array_length(tags); i++) {
                        struct json_object *t = json_object_array_get_idx(tags, i);
                        if (json_object_is_type(t, json_type_string))
                                strv_push(&s.tags, json_object_get_string(t));
                }
        s.transaction = jdup(o, "transaction");
        s.source_uuid = jdup(o, "source_uuid");
        s.source_generation = (uint64_t) jint(o, "source_generation");
        s.uuid = jdup(o, "uuid");
        s.subvol_id = (uint64_t) jint(o, "subvol_id");
        s.generation = (uint64_t) jint(o, "generation");
        s.has_sidecar = true;
        s.pinned_bytes = -1;
        *ret = s;
out:
        json_object_put(o);
        json_tokener_free(tok);
        return r;
}

void snap_info_json_fields(struct json_object *o, const struct snap_info *s) {
        json_add_str(o, "id", s->id);
        json_add_str(o, "fs_uuid", s->fs_uuid);
        json_add_str(o, "path", s->path);
        json_add_str(o, "source", s->source);
        json_add_str(o, "mountpoint", s->mountpoint);
        json_add_i64(o, "created", s->created);
        json_add_str(o, "kind", snap_kind_to_string(s->kind));
        json_add_str(o, "pair", s->pair);
        json_add_str(o, "description", s->description);
        json_add_strv(o, "tags", s->tags);
        json_add_str(o, "transaction", s->transaction);
        json_add_str(o, "source_uuid", s->source_uuid);
        json_add_u64(o, "source_generation", s->source_generation);
        json_add_str(o, "uuid", s->uuid);
        json_add_u64(o, "subvol_id", s->subvol_id);
        json_add_u64(o, "generation", s->generation);
}

char *snap_sidecar_format(const struct snap_info *s) {
        struct json_object *o = json_doc_new(SNAPSHOT_SCHEMA_VERSION);
        char *text;

        snap_info_json_fields(o, s);
        text = json_to_string_owned(o, 1);
        json_object_put(o);
        return text;
}

static int sidecar_dir(int state_fd, bool create, int *ret) {
        int fd;
        if (state_fd < 0)
                return -ENOENT; /* no state directory yet: no sidecars */
        if (create && mkdirat(state_fd, SNAPSHOT_SIDECAR_DIR, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(state_fd, SNAPSHOT_SIDECAR_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        *ret = fd;
        return 0;
}

/* Atomic replace of dir/name: temp, fsync, rename, fsync dir. */
int snap_write_atomic_at(int dir_fd, const char *name, const char *text) {
        _cleanup_free_ char *tmp = xasprintf(".%s.tmp", name);
        size_t len = strlen(text), done = 0;
        int fd, r = 0;

        fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        while (done < len) {
                ssize_t k = write(fd, text + done, len - done);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                done += (size_t) k;
        }
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && renameat(dir_fd, tmp, dir_fd, name) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlinkat(dir_fd, tmp, 0);
                return r;
        }
        (void) fsync(dir_fd);
        return 0;
}

int snap_sidecar_write(int state_fd, const struct snap_info *s) {
        _cleanup_free_ char *text = NULL, *name = NULL;
        int dfd, r;

        if (!snap_id_is_valid(s->id))
                return -EINVAL;
        r = sidecar_dir(state_fd, true, &dfd);
        if (r < 0)
                return r;
        text = snap_sidecar_format(s);
        name = xasprintf("%s.json", s->id);
        r = snap_write_atomic_at(dfd, name, text);
        close(dfd);
        return r;
}

int snap_sidecar_remove(int state_fd, const char *id) {
        _cleanup_free_ char *name = NULL;
        int dfd, r;

        if (!snap_id_is_valid(id))
                return -EINVAL;
        r = sidecar_dir(state_fd, false, &dfd);
        if (r < 0)
                return r;
        name = xasprintf("%s.json", id);
        r = unlinkat(dfd, name, 0) < 0 ? -errno : 0;
        if (r == 0)
                (void) fsync(dfd);
        close(dfd);
        return r;
}

static int read_at(int dfd, const char *name, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        buf = xmalloc(SIDECAR_MAX + 1);
        for (;;) {
                ssize_t k = read(fd, buf + len, SIDECAR_MAX - len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        int e = -errno;
                        close(fd);
                        return e;
                }
                if (k == 0 || (len += (size_t) k) == SIDECAR_MAX)
                        break;
        }
        close(fd);
        buf[len] = 0;
        *ret = TAKE_PTR(buf);
        return 0;
}

int snap_sidecar_load(int state_fd, const char *id, struct snap_info *ret) {
        _cleanup_free_ char *name = NULL, *text = NULL;
        int dfd, r;

        if (!snap_id_is_valid(id))
                return -EINVAL;
        r = sidecar_dir(state_fd, false, &dfd);
        if (r < 0)
                return r;
        name = xasprintf("%s.json", id);
        r = read_at(dfd, name, &text);
        close(dfd);
        if (r < 0)
                return r;
        r = snap_sidecar_parse(text, ret);
        if (r == 0 && !streq(ret->id, id)) {
                snap_info_done(ret);
                return -EBADMSG;
        }
        return r;
}

static int info_cmp(const void *a, const void *b) {
        const struct snap_info *x = a, *y = b;
        int c = strcmp(strempty(x->fs_uuid), strempty(y->fs_uuid));
        if (c)
                return c;
        c = strcmp(strempty(x->source), strempty(y->source));
        if (c)
                return c;
        if (x->created != y->created)
                return x->created < y->created ? -1 : 1;
        return strcmp(x->id, y->id);
}

void snap_info_sort(struct snap_info *a, size_t n) {
        if (n > 1)
                qsort(a, n, sizeof *a, info_cmp);
}

int snap_sidecar_list(int state_fd, struct snap_info **ret, size_t *ret_n, unsigned *ret_bad) {
        struct snap_info *a = NULL;
        size_t n = 0;
        unsigned bad = 0;
        struct dirent *de;
        DIR *d;
        int dfd, r;

        r = sidecar_dir(state_fd, false, &dfd);
        if (r == -ENOENT) {
                *ret = NULL;
                *ret_n = 0;
                if (ret_bad)
                        *ret_bad = 0;
                return 0;
        }
        if (r < 0)
                return r;
        d = fdopendir(dfd);
        if (!d) {
                r = -errno;
                close(dfd);
                return r;
        }
        while ((de = readdir(d))) {
                _cleanup_free_ char *id = NULL;
                struct snap_info s = {};
                size_t l = strlen(de->d_name);
                if (de->d_name[0] == '.' || l <= 5 || !streq(de->d_name + l - 5, ".json"))
                        continue;
                id = xstrndup(de->d_name, l - 5);
                {
                        _cleanup_free_ char *text = NULL;
                        if (read_at(dirfd(d), de->d_name, &text) < 0 || snap_sidecar_parse(text, &s) < 0 ||
                            !streq(s.id, id)) {
                                snap_info_done(&s);
                                bad++;
                                continue;
                        }
                }
                *(struct snap_info *) array_grow(&a, &n, sizeof *a) = s;
        }
        closedir(d);
        snap_info_sort(a, n);
        *ret = a;
        *ret_n = n;
        if (ret_bad)
                *ret_bad = bad;
        return 0;
}
