/* SPDX-License-Identifier: MIT */
/*
 * What the last run saw, in STATE_DIR/health.json (0600, written atomically
 * in the 0700 state directory apply uses): device error counters as last
 * acknowledged, /proc/stat at the last run (cpu.steal's window), the last
 * run's time (journal's "since"). A missing or unreadable file is an empty
 * state: the first run is the baseline.
 *
 *   {"schema_version":1,"sections":{"device_errors":{"UUID/1":{"read_errs":"0",...}}}}
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/journal.h"
#include "health/health.h"
#include "util.h"

#define STATE_FILE "health.json"
#define STATE_MAX (1024 * 1024)

struct health_state {
        struct json_object *sections;
};

struct health_state *health_state_new(void) {
        struct health_state *s = xcalloc(1, sizeof *s);
        s->sections = json_object_new_object();
        return s;
}

void health_state_free(struct health_state *s) {
        if (!s)
                return;
        json_object_put(s->sections);
        free(s);
}

int health_state_load(const char *state_dir, struct health_state **ret) {
        _cleanup_free_ char *buf = NULL;
        struct health_state *s = health_state_new();
        struct json_object *doc, *sec;
        ssize_t n;
        size_t len = 0;
        int dfd, fd, r;

        r = journal_state_open(state_dir, false, &dfd);
        if (r < 0) {
                *ret = s;
                return r == -ENOENT ? 0 : r;
        }
        fd = openat(dfd, STATE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        close(dfd);
        if (fd < 0) {
                *ret = s;
                return errno == ENOENT ? 0 : -errno;
        }
        buf = xmalloc(STATE_MAX + 1);
        while ((n = read(fd, buf + len, STATE_MAX - len)) > 0)
                len += (size_t) n;
        close(fd);
        buf[len] = '\0';
        doc = json_tokener_parse(buf);
        if (doc && json_object_object_get_ex(doc, "sections", &sec) && json_object_is_type(sec, json_type_object)) {
                json_object_put(s->sections);
                s->sections = json_object_get(sec);
        }
        json_object_put(doc);
        *ret = s;
        return doc ? 0 : -EBADMSG;
}

int health_state_save(const struct health_state *s, const char *state_dir) {
        struct json_object *doc = json_object_new_object();
        const char *text;
        int dfd, fd, r = 0;

        r = journal_state_open(state_dir, true, &dfd);
        if (r < 0) {
                json_object_put(doc);
                return r;
        }
        json_object_object_add(doc, "schema_version", json_object_new_int(1));
        json_object_object_add(doc, "sections", json_object_get(s->sections));
        text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
        (void) unlinkat(dfd, STATE_FILE ".tmp", 0);
        fd = openat(dfd, STATE_FILE ".tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                r = -errno;
        else {
                size_t len = strlen(text), off = 0;
                while (off < len && r == 0) {
                        ssize_t w = write(fd, text + off, len - off);
                        if (w < 0 && errno != EINTR)
                                r = -errno;
                        else if (w > 0)
                                off += (size_t) w;
                }
                if (r == 0 && (write(fd, "\n", 1) != 1 || fsync(fd) < 0))
                        r = -errno ? -errno : -EIO;
                close(fd);
                if (r == 0 && renameat(dfd, STATE_FILE ".tmp", dfd, STATE_FILE) < 0)
                        r = -errno;
                if (r == 0)
                        (void) fsync(dfd);
                else
                        (void) unlinkat(dfd, STATE_FILE ".tmp", 0);
        }
        close(dfd);
        json_object_put(doc);
        return r;
}

static struct json_object *child(struct json_object *o, const char *key, bool create) {
        struct json_object *c;
        if (json_object_object_get_ex(o, key, &c) && json_object_is_type(c, json_type_object))
                return c;
        if (!create)
                return NULL;
        c = json_object_new_object();
        json_object_object_add(o, key, c);
        return c;
}

bool health_state_get(const struct health_state *s, const char *section, const char *key, const char *name,
                      uint64_t *ret) {
        struct json_object *a = child(s->sections, section, false), *b = a ? child(a, key, false) : NULL, *v;
        uint64_t u;
        if (!b || !json_object_object_get_ex(b, name, &v) || !json_object_is_type(v, json_type_string) ||
            safe_atou64(json_object_get_string(v), &u) < 0)
                return false;
        *ret = u;
        return true;
}

void health_state_set(struct health_state *s, const char *section, const char *key, const char *name, uint64_t v) {
        struct json_object *b = child(child(s->sections, section, true), key, true);
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRIu64, v);
        json_object_object_add(b, name, json_object_new_string(buf));
}
