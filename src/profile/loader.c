/* SPDX-License-Identifier: MIT */
/*
 * Loading a profile the way TuneD's Loader does (tuned/profiles/loader.py,
 * locator.py, merger.py, unit.py): read each file, load its includes first
 * (depth first, in order), skip files already loaded, merge the list in
 * order, then process the merged [variables] and expand unit values.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "knobs/knob.h"
#include "profile/profile-internal.h"

enum src_kind { SRC_BUILTIN, SRC_SYSROOT, SRC_PATH, SRC_BUFFER };

struct source {
        enum src_kind kind;
        enum sr_base base;
        char *rel;        /* SRC_SYSROOT */
        char *path;       /* SRC_PATH: libc path */
        char *id;         /* identity for "already loaded" */
        char *display;    /* FILE in messages */
        char *dir;        /* ${i:PROFILE_DIR}, NULL for built-ins */
        char *name;       /* ${i:PROFILE_NAME} */
        char *text;       /* owned copy of the bytes */
        size_t len;
};

struct layer {
        char *display;
        struct profile_entry *main;
        size_t n_main;
        struct profile_unit *units;
        size_t n_units;
        char ***drops;    /* per unit, NULL or strv */
};

struct loader {
        const struct profile_env *env;
        bool buffer_mode;
        struct source *sources;
        size_t n_sources;
        size_t *stack;
        size_t n_stack;
        struct layer *layers;
        size_t n_layers;
        char **warnings;
        char *error;
};

_printf_(2, 3) static void set_error(struct loader *l, const char *fmt, ...) {
        va_list ap;
        char *m = NULL;
        if (l->error)
                return;
        va_start(ap, fmt);
        if (vasprintf(&m, fmt, ap) < 0)
                abort();
        va_end(ap);
        l->error = m;
}

static void source_done(struct source *s) {
        free(s->rel);
        free(s->path);
        free(s->id);
        free(s->display);
        free(s->dir);
        free(s->name);
        free(s->text);
        *s = (struct source) {};
}

static void entry_done(struct profile_entry *e) {
        free(e->error);
        free(e->key);
        free(e->value);
        free(e->file);
}

static void entries_free(struct profile_entry *e, size_t n) {
        for (size_t i = 0; i < n; i++)
                entry_done(&e[i]);
        free(e);
}

static void unit_done(struct profile_unit *u) {
        free(u->name);
        free(u->type);
        free(u->devices);
        free(u->devices_udev_regex);
        free(u->cpuinfo_regex);
        free(u->uname_regex);
        free(u->priority);
        entries_free(u->entries, u->n_entries);
        free(u->file);
        *u = (struct profile_unit) {};
}

static void layer_done(struct layer *y) {
        free(y->display);
        entries_free(y->main, y->n_main);
        for (size_t i = 0; i < y->n_units; i++) {
                unit_done(&y->units[i]);
                strv_free(y->drops[i]);
        }
        free(y->units);
        free(y->drops);
        *y = (struct layer) {};
}

static void loader_done(struct loader *l) {
        for (size_t i = 0; i < l->n_sources; i++)
                source_done(&l->sources[i]);
        free(l->sources);
        free(l->stack);
        for (size_t i = 0; i < l->n_layers; i++)
                layer_done(&l->layers[i]);
        free(l->layers);
        strv_free(l->warnings);
        free(l->error);
}

/* ---- reading ---- */

/* Reads an open fd: regular file, at most PROFILE_FILE_MAX bytes. */
static int read_fd(struct loader *l, int fd, const char *display, char **ret, size_t *ret_len) {
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode)) {
                set_error(l, "%s: not a regular file", display);
                return -EBADF;
        }
        if (l->env && l->env->check_owner) {
                char *err = NULL;
                int r = profile_check_file_owner(display, fd, &err);
                if (r < 0) {
                        set_error(l, "%s", err);
                        free(err);
                        return r;
                }
        }
        if (st.st_size > (off_t) PROFILE_FILE_MAX) {
                set_error(l, "%s: larger than %u bytes", display, PROFILE_FILE_MAX);
                return -EFBIG;
        }
        size_t cap = (size_t) st.st_size + 1, len = 0;
        char *buf = xmalloc(cap + 1);
        for (;;) {
                if (len == cap) {
                        if (cap > PROFILE_FILE_MAX) {
                                free(buf);
                                set_error(l, "%s: larger than %u bytes", display, PROFILE_FILE_MAX);
                                return -EFBIG;
                        }
                        cap *= 2;
                        buf = xrealloc(buf, cap + 1);
                }
                ssize_t n = read(fd, buf + len, cap - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        int r = -errno;
                        free(buf);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        if (len > PROFILE_FILE_MAX) {
                free(buf);
                set_error(l, "%s: larger than %u bytes", display, PROFILE_FILE_MAX);
                return -EFBIG;
        }
        buf[len] = '\0';
        *ret = buf;
        *ret_len = len;
        return 0;
}

static int read_path(struct loader *l, const char *path, char **ret, size_t *ret_len) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        int r = read_fd(l, fd, path, ret, ret_len);
        close(fd);
        return r;
}

static int read_sysroot(struct loader *l, enum sr_base base, const char *rel, const char *display, char **ret,
                        size_t *ret_len) {
        if (!l->env || !l->env->sr)
                return -ENOENT;
        int fd = sysroot_openat(l->env->sr, base, rel, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
        if (fd < 0)
                return fd;
        int r = read_fd(l, fd, display, ret, ret_len);
        close(fd);
        return r;
}

static bool not_found(int r) {
        return r == -ENOENT || r == -ENOTDIR || r == -EISDIR;
}

/* ---- name resolution (locator.py get_config) ---- */

static const struct builtin_profile *find_builtin(const char *name) {
        for (size_t i = 0; i < n_builtin_profiles; i++)
                if (streq(builtin_profiles[i].name, name))
                        return &builtin_profiles[i];
        return NULL;
}

static bool valid_name(const char *n) {
        if (!*n || streq(n, ".") || streq(n, "..") || strlen(n) > 255)
                return false;
        for (; *n; n++)
                if (!isalnum((unsigned char) *n) && *n != '_' && *n != '.' && *n != '-')
                        return false;
        return true;
}

enum skip { SKIP_NONE, SKIP_LOADED, SKIP_ON_STACK };

static enum skip loaded_state(const struct loader *l, const char *id) {
        for (size_t i = 0; i < l->n_sources; i++)
                if (streq(l->sources[i].id, id)) {
                        for (size_t k = 0; k < l->n_stack; k++)
                                if (l->stack[k] == i)
                                        return SKIP_ON_STACK;
                        return SKIP_LOADED;
                }
        return SKIP_NONE;
}

static const char *const conf_names[] = { "vpstune.conf", "tuned.conf" };

/* Tries dir/NAME/{vpstune,tuned}.conf with plain libc. 1 found, 0 absent. */
static int try_path_dir(struct loader *l, const char *dir, const char *name, struct source *ret, enum skip *skipped) {
        for (size_t i = 0; i < ELEMENTSOF(conf_names); i++) {
                _cleanup_free_ char *path = xasprintf("%s/%s/%s", dir, name, conf_names[i]);
                char rp[PATH_MAX];
                if (!realpath(path, rp))
                        continue;
                _cleanup_free_ char *id = xasprintf("file:%s", rp);
                enum skip s = loaded_state(l, id);
                if (s != SKIP_NONE) {
                        if (s > *skipped)
                                *skipped = s;
                        return 0;
                }
                char *text;
                size_t len;
                int r = read_path(l, path, &text, &len);
                if (not_found(r))
                        continue;
                if (r < 0)
                        return r;
                _cleanup_free_ char *d = xstrdup(rp);
                *ret = (struct source) {
                        .kind = SRC_PATH, .path = xstrdup(path), .id = TAKE_PTR(id), .display = xstrdup(path),
                        .dir = xstrdup(dirname(d)), .name = xstrdup(name), .text = text, .len = len,
                };
                return 1;
        }
        return 0;
}

static int try_sysroot_dir(struct loader *l, enum sr_base base, const char *dir, const char *name,
                           struct source *ret, enum skip *skipped) {
        for (size_t i = 0; i < ELEMENTSOF(conf_names); i++) {
                _cleanup_free_ char *rel = xasprintf("%s/%s/%s", dir, name, conf_names[i]);
                _cleanup_free_ char *display = sysroot_display_path(base, rel);
                _cleanup_free_ char *id = xasprintf("root:%s", display);
                enum skip s = loaded_state(l, id);
                if (s != SKIP_NONE) {
                        if (s > *skipped)
                                *skipped = s;
                        return 0;
                }
                char *text;
                size_t len;
                int r = read_sysroot(l, base, rel, display, &text, &len);
                if (not_found(r))
                        continue;
                if (r < 0) {
                        set_error(l, "cannot read '%s': %s", display, strerror(-r));
                        return r;
                }
                _cleanup_free_ char *d = xstrdup(display);
                *ret = (struct source) {
                        .kind = SRC_SYSROOT, .base = base, .rel = TAKE_PTR(rel), .id = TAKE_PTR(id),
                        .display = TAKE_PTR(display), .dir = xstrdup(dirname(d)), .name = xstrdup(name),
                        .text = text, .len = len,
                };
                return 1;
        }
        return 0;
}

#define ETC_PROFILES "vpstune/profiles"
#define USR_PROFILES "lib/vpstune/profiles"

/* Candidates, first found wins: sibling directories of a profile given as
 * a path, /etc/vpstune/profiles, /usr/lib/vpstune/profiles, built-ins.
 * Returns 1 found, 0 absent (*skipped says whether something was skipped
 * because it is already loaded or being loaded), negative on error. */
static int resolve(struct loader *l, const struct source *from, const char *name, struct source *ret,
                   enum skip *skipped) {
        int r;
        *skipped = SKIP_NONE;
        if (from && from->kind == SRC_PATH && from->dir) {
                _cleanup_free_ char *d = xstrdup(from->dir);
                r = try_path_dir(l, dirname(d), name, ret, skipped);
                if (r != 0)
                        return r;
        }
        if (!l->buffer_mode && l->env && l->env->sr) {
                r = try_sysroot_dir(l, SR_ETC, ETC_PROFILES, name, ret, skipped);
                if (r != 0)
                        return r;
                r = try_sysroot_dir(l, SR_USR, USR_PROFILES, name, ret, skipped);
                if (r != 0)
                        return r;
        }
        const struct builtin_profile *b = find_builtin(name);
        if (b) {
                _cleanup_free_ char *id = xasprintf("builtin:%s", name);
                enum skip s = loaded_state(l, id);
                if (s != SKIP_NONE) {
                        if (s > *skipped)
                                *skipped = s;
                        return 0;
                }
                *ret = (struct source) {
                        .kind = SRC_BUILTIN, .id = xstrdup(id), .display = xstrdup(id), .name = xstrdup(name),
                        .text = xstrdup(b->text), .len = strlen(b->text),
                };
                return 1;
        }
        return 0;
}

/* ---- one file → layer ---- */

static int parse_bool(const char *v, bool *ret) {
        static const char *const t[] = { "1", "true", "yes", "on" }, *const f[] = { "0", "false", "no", "off" };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                if (strcasecmp(v, t[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(v, f[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return -EINVAL;
}

static int unit_bool(struct loader *l, const char *display, const struct ini_entry *e, bool *ret) {
        if (parse_bool(e->value, ret) < 0) {
                set_error(l, "%s:%u: %s=%s: expected a boolean (true, false, 1, 0, yes, no, on, off)", display,
                          e->line, e->key, e->value);
                return -EINVAL;
        }
        /* TuneD's Unit: only True, true, 1 are true */
        bool tuned = streq(e->value, "True") || streq(e->value, "true") || streq(e->value, "1");
        if (tuned != *ret)
                strv_consume(&l->warnings, xasprintf("%s:%u: %s=%s: TuneD reads this as %s; write %s", display,
                                                     e->line, e->key, e->value, tuned ? "true" : "false",
                                                     *ret ? "true" : "false"));
        return 0;
}

static int build_unit(struct loader *l, const struct source *src, const struct ini_section *s,
                      struct profile_unit *u, char ***ret_drop) {
        *u = (struct profile_unit) { .name = xstrdup(s->name), .enabled = true, .file = xstrdup(src->display),
                                     .line = s->line };
        for (size_t j = 0; j < s->n_entries; j++) {
                const struct ini_entry *e = &s->entries[j];
                char *v = expand_profile_internals(e->value ? e->value : "", src->dir, src->name);
                char **field = NULL;
                int r = 0;
                if (streq(e->key, "type"))
                        field = &u->type;
                else if (streq(e->key, "devices"))
                        field = &u->devices;
                else if (streq(e->key, "devices_udev_regex"))
                        field = &u->devices_udev_regex;
                else if (streq(e->key, "cpuinfo_regex"))
                        field = &u->cpuinfo_regex;
                else if (streq(e->key, "uname_regex"))
                        field = &u->uname_regex;
                else if (streq(e->key, "priority"))
                        field = &u->priority;
                else if (streq(e->key, "enabled"))
                        r = unit_bool(l, src->display, e, &u->enabled);
                else if (streq(e->key, "replace"))
                        r = unit_bool(l, src->display, e, &u->replace);
                else if (streq(e->key, "drop")) {
                        char **d = strv_split(v, ",;");
                        for (size_t k = 0; d[k]; k++) {
                                char *t = xstrdup(strstrip(d[k]));
                                free(d[k]);
                                d[k] = t;
                        }
                        strv_free(*ret_drop);
                        *ret_drop = d;
                } else {
                        struct profile_entry *ne = array_grow(&u->entries, &u->n_entries, sizeof(*ne));
                        *ne = (struct profile_entry) { .key = xstrdup(e->key), .value = TAKE_PTR(v),
                                                       .file = xstrdup(src->display), .line = e->line };
                }
                if (field) {
                        free(*field);
                        *field = TAKE_PTR(v);
                }
                free(v);
                if (r < 0)
                        return r;
        }
        if (!u->type) {
                const char *dot = strchr(s->name, '.');
                u->type = xstrdup(s->name);
                /* [btrfs./srv]: a unit type the registry marks dotted. */
                if (dot) {
                        _cleanup_free_ char *base = xstrndup(s->name, (size_t) (dot - s->name));
                        const struct knob_unit *ku = knob_unit_for_type(base, NULL);
                        if (ku && ku->dotted) {
                                free(u->type);
                                u->type = TAKE_PTR(base);
                        }
                }
        }
        return 0;
}

static int load_one(struct loader *l, struct source *src_in);

static int load_includes(struct loader *l, size_t src_idx, const char *value, const char *display,
                         unsigned line) {
        struct expand_ctx c = { .env = l->env, .warnings = &l->warnings };
        char *expanded = NULL, *err = NULL;
        int r = expand_value(&c, value, false, &expanded, &err);
        expand_ctx_done(&c);
        if (r < 0) {
                set_error(l, "%s:%u: include=%s: %s", display, line, value, err);
                free(err);
                return -EINVAL;
        }
        /* re.split(r"\s*[,;]\s*", ...) */
        _cleanup_strv_ char **names = NULL;
        {
                const char *p = expanded;
                for (;;) {
                        size_t n = strcspn(p, ",;");
                        _cleanup_free_ char *part = xstrndup(p, n);
                        strv_push(&names, strstrip(part));
                        if (!p[n])
                                break;
                        p += n + 1;
                }
        }
        free(expanded);
        for (size_t i = 0; names && names[i]; i++) {
                const char *n = names[i];
                bool optional = n[0] == '-';
                if (optional)
                        n++;
                const char *base = strrchr(n, '/'); /* locator: os.path.basename */
                base = base ? base + 1 : n;
                if (!valid_name(base)) {
                        set_error(l, "%s:%u: include=%s: invalid profile name '%s'", display, line, value,
                                  names[i]);
                        return -EINVAL;
                }
                struct source found;
                enum skip skipped;
                r = resolve(l, &l->sources[src_idx], base, &found, &skipped);
                if (r < 0) {
                        set_error(l, "%s:%u: include=%s: cannot read profile '%s': %s", display, line, value,
                                  base, strerror(-r));
                        return r;
                }
                if (r == 0) {
                        if (skipped == SKIP_ON_STACK) {
                                struct sbuf b = {};
                                for (size_t k = 0; k < l->n_stack; k++) {
                                        sbuf_puts(&b, l->sources[l->stack[k]].display);
                                        sbuf_puts(&b, " -> ");
                                }
                                sbuf_puts(&b, base);
                                _cleanup_free_ char *chain = sbuf_take(&b);
                                set_error(l, "%s:%u: include cycle: %s", display, line, chain);
                                return -ELOOP;
                        }
                        if (skipped == SKIP_LOADED || optional)
                                continue; /* TuneD: already merged, or "-name" missing */
                        set_error(l, "%s:%u: include=%s: profile '%s' not found", display, line, value, base);
                        return -ENOENT;
                }
                r = load_one(l, &found);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int load_one(struct loader *l, struct source *src_in) {
        struct layer y = {};
        struct ini_file *ini = NULL;
        char *err = NULL;
        _cleanup_free_ char *include = NULL;
        unsigned include_line = 0;
        int r;

        if (l->n_stack >= PROFILE_INCLUDE_DEPTH_MAX) {
                set_error(l, "%s: includes nested deeper than %u", src_in->display, PROFILE_INCLUDE_DEPTH_MAX);
                source_done(src_in);
                return -ELOOP;
        }
        if (l->n_sources >= PROFILE_FILES_MAX) {
                set_error(l, "%s: more than %u profile files", src_in->display, PROFILE_FILES_MAX);
                source_done(src_in);
                return -E2BIG;
        }
        struct source *slot = array_grow(&l->sources, &l->n_sources, sizeof(*slot));
        *slot = *src_in;
        *src_in = (struct source) {};
        size_t idx = l->n_sources - 1;
        *(size_t *) array_grow(&l->stack, &l->n_stack, sizeof(size_t)) = idx;

        r = ini_parse(l->sources[idx].display, l->sources[idx].text, l->sources[idx].len, false, &ini, &err);
        if (r < 0) {
                set_error(l, "%s", err);
                free(err);
                goto out;
        }
        y.display = xstrdup(l->sources[idx].display);
        for (size_t i = 0; i < ini->n_sections; i++) {
                const struct ini_section *s = &ini->sections[i];
                const struct source *src = &l->sources[idx];
                if (streq(s->name, "main")) {
                        for (size_t j = 0; j < s->n_entries; j++) {
                                char *v = expand_profile_internals(s->entries[j].value, src->dir, src->name);
                                if (streq(s->entries[j].key, "include")) {
                                        free(include);
                                        include = v;
                                        include_line = s->entries[j].line;
                                        continue;
                                }
                                struct profile_entry *ne = array_grow(&y.main, &y.n_main, sizeof(*ne));
                                *ne = (struct profile_entry) { .key = xstrdup(s->entries[j].key), .value = v,
                                                               .file = xstrdup(src->display),
                                                               .line = s->entries[j].line };
                        }
                        continue;
                }
                struct profile_unit *u = array_grow(&y.units, &y.n_units, sizeof(*u));
                y.drops = xrealloc(y.drops, y.n_units * sizeof(char **));
                y.drops[y.n_units - 1] = NULL;
                r = build_unit(l, src, s, u, &y.drops[y.n_units - 1]);
                if (r < 0)
                        goto out;
        }
        if (include) {
                _cleanup_free_ char *display = xstrdup(l->sources[idx].display);
                r = load_includes(l, idx, include, display, include_line);
                if (r < 0)
                        goto out;
        }
        *(struct layer *) array_grow(&l->layers, &l->n_layers, sizeof(y)) = y;
        y = (struct layer) {};
        r = 0;
out:
        layer_done(&y);
        ini_file_free(ini);
        l->n_stack--;
        return r;
}

/* ---- merge (merger.py _merge_two) ---- */

static struct profile_entry *find_entry(struct profile_entry *e, size_t n, const char *key) {
        for (size_t i = 0; i < n; i++)
                if (streq(e[i].key, key))
                        return &e[i];
        return NULL;
}

/* dict.update(): existing keys keep their place, take the new value. */
static void entries_update(struct profile_entry **a, size_t *na, struct profile_entry *b, size_t nb) {
        for (size_t i = 0; i < nb; i++) {
                struct profile_entry *e = find_entry(*a, *na, b[i].key);
                if (!e) {
                        e = array_grow(a, na, sizeof(*e));
                        e->key = TAKE_PTR(b[i].key);
                } else
                        free(b[i].key), b[i].key = NULL;
                free(e->value);
                free(e->file);
                e->value = TAKE_PTR(b[i].value);
                e->file = TAKE_PTR(b[i].file);
                e->line = b[i].line;
        }
}

static void move_field(char **dst, char **src, bool only_if_set) {
        if (only_if_set && !*src)
                return;
        free(*dst);
        *dst = TAKE_PTR(*src);
}

static void merge_into(struct layer *a, struct layer *b) {
        entries_update(&a->main, &a->n_main, b->main, b->n_main);
        for (size_t i = 0; i < b->n_units; i++) {
                struct profile_unit *ub = &b->units[i], *ua = NULL;
                for (size_t k = 0; k < a->n_units; k++)
                        if (streq(a->units[k].name, ub->name))
                                ua = &a->units[k];
                if (!ua || ub->replace) {
                        if (!ua) {
                                ua = array_grow(&a->units, &a->n_units, sizeof(*ua));
                                a->drops = xrealloc(a->drops, a->n_units * sizeof(char **));
                                a->drops[a->n_units - 1] = NULL;
                        } else
                                unit_done(ua);
                        *ua = *ub;
                        *ub = (struct profile_unit) {};
                        continue;
                }
                move_field(&ua->type, &ub->type, false);
                ua->enabled = ub->enabled;
                move_field(&ua->devices, &ub->devices, false); /* TuneD: even when unset ("*") */
                move_field(&ua->devices_udev_regex, &ub->devices_udev_regex, true);
                move_field(&ua->cpuinfo_regex, &ub->cpuinfo_regex, true);
                move_field(&ua->uname_regex, &ub->uname_regex, true);
                move_field(&ua->priority, &ub->priority, true);
                move_field(&ua->file, &ub->file, false);
                ua->line = ub->line;
                for (size_t d = 0; b->drops[i] && b->drops[i][d]; d++) {
                        struct profile_entry *e = find_entry(ua->entries, ua->n_entries, b->drops[i][d]);
                        if (!e)
                                continue;
                        size_t k = (size_t) (e - ua->entries);
                        entry_done(e);
                        memmove(e, e + 1, (ua->n_entries - k - 1) * sizeof(*e));
                        ua->n_entries--;
                }
                entries_update(&ua->entries, &ua->n_entries, ub->entries, ub->n_entries);
                entries_free(ub->entries, ub->n_entries);
                ub->entries = NULL;
                ub->n_entries = 0;
        }
}

/* ---- variables and expansion ---- */

static const struct source *source_by_display(const struct loader *l, const char *display) {
        for (size_t i = 0; i < l->n_sources; i++)
                if (streq(l->sources[i].display, display))
                        return &l->sources[i];
        return NULL;
}

/* os.path.normpath, for absolute or relative paths */
static char *normpath(const char *p) {
        bool abs = p[0] == '/';
        _cleanup_strv_ char **parts = strv_split(p, "/");
        char **out = xcalloc(strv_length(parts) + 1, sizeof(char *));
        size_t n = 0;
        for (size_t i = 0; parts[i]; i++) {
                if (streq(parts[i], "."))
                        continue;
                if (streq(parts[i], "..") && n > 0 && !streq(out[n - 1], "..")) {
                        n--;
                        continue;
                }
                if (streq(parts[i], "..") && abs)
                        continue;
                out[n++] = parts[i];
        }
        struct sbuf b = {};
        if (abs)
                sbuf_putc(&b, '/');
        for (size_t i = 0; i < n; i++) {
                if (i)
                        sbuf_putc(&b, '/');
                sbuf_puts(&b, out[i]);
        }
        free(out);
        if (!b.len)
                sbuf_putc(&b, '.');
        return sbuf_take(&b);
}

static int load_variables_file(struct loader *l, struct expand_ctx *c, const struct profile_entry *e) {
        const struct source *src = source_by_display(l, e->file);
        _cleanup_free_ char *path = NULL, *text = NULL, *display = NULL;
        size_t len = 0;
        int r;

        if (l->buffer_mode || !src || src->kind == SRC_BUFFER) {
                strv_consume(&l->warnings, xasprintf("%s:%u: include=%s: variables files are not read here, ignored",
                                                     e->file, e->line, e->value));
                return 0;
        }
        if (e->value[0] != '/' && src->dir) {
                _cleanup_free_ char *j = xasprintf("%s/%s", src->dir, e->value);
                path = normpath(j);
        } else
                path = normpath(e->value);
        if (src->kind == SRC_PATH || (src->kind == SRC_BUILTIN && !(l->env && l->env->sr))) {
                display = xstrdup(path);
                r = read_path(l, path, &text, &len);
        } else {
                display = sysroot_display_path(SR_ROOT, path[0] == '/' ? path + 1 : path);
                r = read_sysroot(l, SR_ROOT, path[0] == '/' ? path + 1 : path, display, &text, &len);
        }
        if (not_found(r)) {
                strv_consume(&l->warnings, xasprintf("%s:%u: variables file '%s' not found, ignored", e->file,
                                                     e->line, display));
                return 0;
        }
        if (r < 0) {
                set_error(l, "%s:%u: cannot read variables file '%s': %s", e->file, e->line, display, strerror(-r));
                return r;
        }
        struct ini_file *ini = NULL;
        char *err = NULL;
        r = ini_parse(display, text, len, true, &ini, &err);
        if (r < 0) {
                set_error(l, "%s (included from %s:%u)", err, e->file, e->line);
                free(err);
                return r;
        }
        for (size_t i = 0; i < ini->n_sections && r >= 0; i++)
                for (size_t j = 0; j < ini->sections[i].n_entries && r >= 0; j++) {
                        const struct ini_entry *v = &ini->sections[i].entries[j];
                        if (!v->value)
                                continue;
                        if (!is_word(v->key)) {
                                strv_consume(&l->warnings,
                                             xasprintf("%s:%u: variable definition '%s' contains unallowed characters, ignored",
                                                       display, v->line, v->key));
                                continue;
                        }
                        r = expand_add_variable(c, v->key, v->value, display, v->line, &err);
                        if (r < 0) {
                                set_error(l, "%s:%u: variable '%s': %s", display, v->line, v->key, err);
                                free(err);
                        }
                }
        ini_file_free(ini);
        return r;
}

static int process_variables(struct loader *l, struct layer *m, struct expand_ctx *c) {
        for (size_t k = 0; k < m->n_units; k++) {
                struct profile_unit *u = &m->units[k];
                if (!streq(u->name, "variables"))
                        continue;
                for (size_t i = 0; i < u->n_entries; i++) {
                        const struct profile_entry *e = &u->entries[i];
                        int r;
                        if (streq(e->key, "include")) {
                                r = load_variables_file(l, c, e);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        if (!is_word(e->key)) {
                                strv_consume(&l->warnings,
                                             xasprintf("%s:%u: variable definition '%s' contains unallowed characters, ignored",
                                                       e->file, e->line, e->key));
                                continue;
                        }
                        char *err = NULL;
                        r = expand_add_variable(c, e->key, e->value, e->file, e->line, &err);
                        if (r < 0) {
                                set_error(l, "%s:%u: variable '%s': %s", e->file, e->line, e->key, err);
                                free(err);
                                return r;
                        }
                }
                unit_done(u);
                strv_free(m->drops[k]);
                memmove(u, u + 1, (m->n_units - k - 1) * sizeof(*u));
                memmove(&m->drops[k], &m->drops[k + 1], (m->n_units - k - 1) * sizeof(char **));
                m->n_units--;
                break;
        }
        return 0;
}

static int expand_field(struct loader *l, struct expand_ctx *c, const struct profile_unit *u, const char *what,
                        char **v, const char *file, unsigned line, char **ret_soft) {
        if (!*v)
                return 0;
        char *out = NULL, *err = NULL;
        int r = expand_value(c, *v, true, &out, &err);
        if (r == -ENOSYS && ret_soft) {
                /* a TuneD function vpstune does not implement: the value is
                 * unusable, the profile is not */
                *ret_soft = xasprintf("cannot be computed: %s", err);
                strv_consume(&l->warnings, xasprintf("%s:%u: [%s] %s=%s: %s, ignored", file, line, u->name, what, *v, err));
                free(err);
                return 0;
        }
        if (r < 0) {
                set_error(l, "%s:%u: [%s] %s=%s: %s", file, line, u->name, what, *v, err);
                free(err);
                return r == -E2BIG ? r : -EINVAL;
        }
        free(*v);
        *v = out;
        return 0;
}

static int expand_units(struct loader *l, struct layer *m, struct expand_ctx *c) {
        for (size_t k = 0; k < m->n_units; k++) {
                struct profile_unit *u = &m->units[k];
                u->supported = profile_unit_is_supported(u->type);
                if (!u->supported) {
                        strv_consume(&l->warnings,
                                     xasprintf("unit [%s] (plugin %s) is not supported by vpstune, ignored", u->name,
                                               u->type));
                        continue;
                }
                int r;
                if ((r = expand_field(l, c, u, "devices", &u->devices, u->file, u->line, NULL)) < 0 ||
                    (r = expand_field(l, c, u, "cpuinfo_regex", &u->cpuinfo_regex, u->file, u->line, NULL)) < 0 ||
                    (r = expand_field(l, c, u, "uname_regex", &u->uname_regex, u->file, u->line, NULL)) < 0)
                        return r;
                for (size_t i = 0; i < u->n_entries; i++) {
                        struct profile_entry *e = &u->entries[i];
                        r = expand_field(l, c, u, e->key, &e->value, e->file, e->line, &e->error);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* ---- the whole load ---- */

static int finish(struct loader *l, const char *name, const char *path, bool builtin, struct profile **ret) {
        struct expand_ctx c = { .env = l->env, .warnings = &l->warnings };
        struct layer *m = &l->layers[0];
        int r;

        for (size_t i = 1; i < l->n_layers; i++)
                merge_into(m, &l->layers[i]);
        r = process_variables(l, m, &c);
        if (r >= 0)
                r = expand_units(l, m, &c);
        expand_ctx_done(&c);
        if (r < 0)
                return r;

        struct profile *p = xcalloc(1, sizeof(*p));
        p->name = xstrdup(name);
        p->path = path ? xstrdup(path) : NULL;
        p->builtin = builtin;
        p->includes_resolved = xcalloc(1, sizeof(char *));
        for (size_t i = 0; i + 1 < l->n_layers; i++)
                strv_push(&p->includes_resolved, l->layers[i].display);
        struct profile_entry *sum = find_entry(m->main, m->n_main, "summary");
        p->summary = sum ? xstrdup(sum->value) : NULL;
        p->main = TAKE_PTR(m->main);
        p->n_main = m->n_main;
        m->n_main = 0;
        for (size_t k = 0; k < m->n_units; k++) {
                strv_free(m->drops[k]);
                m->drops[k] = NULL;
        }
        p->units = TAKE_PTR(m->units);
        p->n_units = m->n_units;
        m->n_units = 0;
        p->warnings = TAKE_PTR(l->warnings);
        *ret = p;
        return 0;
}

static int fail_with(struct loader *l, int r, char **ret_error) {
        if (ret_error)
                *ret_error = l->error ? TAKE_PTR(l->error) : xstrdup(strerror(-r));
        loader_done(l);
        return r;
}

int profile_load(const char *name_or_path, const struct profile_env *env, struct profile **ret, char **ret_error) {
        struct loader l = { .env = env };
        struct source src = {};
        _cleanup_free_ char *pname = NULL;
        int r;

        if (strchr(name_or_path, '/')) {
                char rp[PATH_MAX];
                char *text;
                size_t len;
                r = read_path(&l, name_or_path, &text, &len);
                if (r < 0) {
                        set_error(&l, "cannot read profile '%s': %s", name_or_path, strerror(-r));
                        return fail_with(&l, r, ret_error);
                }
                if (!realpath(name_or_path, rp))
                        snprintf(rp, sizeof(rp), "%s", name_or_path);
                _cleanup_free_ char *d1 = xstrdup(rp), *d2 = xstrdup(rp), *b = xstrdup(rp);
                char *dir = dirname(d1);
                const char *file = basename(b);
                if (streq(file, "tuned.conf") || streq(file, "vpstune.conf"))
                        pname = xstrdup(basename(dirname(d2)));
                else {
                        pname = xstrdup(file);
                        size_t n = strlen(pname);
                        if (n > 5 && streq(pname + n - 5, ".conf"))
                                pname[n - 5] = '\0';
                }
                src = (struct source) { .kind = SRC_PATH, .path = xstrdup(name_or_path),
                                        .id = xasprintf("file:%s", rp), .display = xstrdup(name_or_path),
                                        .dir = xstrdup(dir), .name = xstrdup(pname), .text = text, .len = len };
        } else {
                enum skip skipped;
                if (!valid_name(name_or_path)) {
                        set_error(&l, "invalid profile name '%s' (letters, digits, '_', '.', '-')", name_or_path);
                        return fail_with(&l, -EINVAL, ret_error);
                }
                pname = xstrdup(name_or_path);
                r = resolve(&l, NULL, name_or_path, &src, &skipped);
                if (r < 0)
                        return fail_with(&l, r, ret_error);
                if (r == 0) {
                        _cleanup_free_ char *etc = sysroot_display_path(SR_ETC, ETC_PROFILES),
                                            *usr = sysroot_display_path(SR_USR, USR_PROFILES);
                        set_error(&l, "profile '%s' not found (searched %s, %s and the built-ins)", name_or_path,
                                  etc, usr);
                        return fail_with(&l, -ENOENT, ret_error);
                }
        }
        bool builtin = src.kind == SRC_BUILTIN;
        _cleanup_free_ char *path = builtin ? NULL : xstrdup(src.display);
        r = load_one(&l, &src);
        if (r >= 0)
                r = finish(&l, pname, path, builtin, ret);
        if (r < 0)
                return fail_with(&l, r, ret_error);
        loader_done(&l);
        return 0;
}

int profile_parse_buffer(const char *name, const char *text, size_t len, const struct profile_env *env,
                         struct profile **ret, char **ret_error) {
        struct loader l = { .env = env, .buffer_mode = true };
        struct source src = { .kind = SRC_BUFFER, .id = xasprintf("buffer:%s", name), .display = xstrdup(name),
                              .name = xstrdup(name), .text = xmalloc(len + 1), .len = len };
        memcpy(src.text, text, len);
        src.text[len] = '\0';
        int r = load_one(&l, &src);
        if (r >= 0)
                r = finish(&l, name, NULL, false, ret);
        if (r < 0)
                return fail_with(&l, r, ret_error);
        loader_done(&l);
        return 0;
}

struct profile *profile_free(struct profile *p) {
        if (!p)
                return NULL;
        free(p->name);
        free(p->summary);
        free(p->path);
        strv_free(p->includes_resolved);
        entries_free(p->main, p->n_main);
        for (size_t i = 0; i < p->n_units; i++)
                unit_done(&p->units[i]);
        free(p->units);
        strv_free(p->warnings);
        free(p);
        return NULL;
}

const struct profile_unit *profile_find_unit(const struct profile *p, const char *name) {
        for (size_t i = 0; i < p->n_units; i++)
                if (streq(p->units[i].name, name))
                        return &p->units[i];
        return NULL;
}

const struct profile_entry *profile_unit_get_entry(const struct profile_unit *u, const char *key) {
        for (size_t i = 0; i < u->n_entries; i++)
                if (streq(u->entries[i].key, key))
                        return &u->entries[i];
        return NULL;
}

const char *profile_unit_get(const struct profile_unit *u, const char *key) {
        const struct profile_entry *e = profile_unit_get_entry(u, key);
        return e ? e->value : NULL;
}

bool profile_unit_is_supported(const char *type) {
        /* The knob registry says which unit types have a builder; [health]
         * is vpstune health's (profile/health-section.c), not the plan's. */
        return type && (streq(type, "main") || streq(type, "variables") || streq(type, "health") ||
                        knob_unit_for_type(type, NULL));
}

/* ---- listing (locator.py list_profiles / get_profile_attrs) ---- */

const char *profile_origin_to_string(enum profile_origin o) {
        switch (o) {
        case PROFILE_ORIGIN_BUILTIN: return "builtin";
        case PROFILE_ORIGIN_USR: return "usr";
        case PROFILE_ORIGIN_ETC: return "etc";
        }
        return "unknown";
}

static void info_done(struct profile_info *i) {
        free(i->name);
        free(i->summary);
        free(i->path);
        free(i->error);
}

void profile_info_free_many(struct profile_info *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                info_done(&l[i]);
        free(l);
}

static struct profile_info *info_slot(struct profile_info **l, size_t *n, const char *name, enum profile_origin o) {
        for (size_t i = 0; i < *n; i++)
                if (streq((*l)[i].name, name)) {
                        info_done(&(*l)[i]);
                        (*l)[i] = (struct profile_info) { .name = xstrdup(name), .origin = o, .shadows = true };
                        return &(*l)[i];
                }
        struct profile_info *s = array_grow(l, n, sizeof(**l));
        *s = (struct profile_info) { .name = xstrdup(name), .origin = o };
        return s;
}

static void summary_from_text(struct profile_info *in, const char *display, const char *text, size_t len) {
        struct ini_file *ini = NULL;
        char *err = NULL;
        if (ini_parse(display, text, len, true, &ini, &err) < 0) {
                in->error = err;
                return;
        }
        const struct ini_section *s = ini_find_section(ini, "main");
        const char *v = s ? ini_section_get(s, "summary") : NULL;
        in->summary = v ? xstrdup(v) : NULL;
        ini_file_free(ini);
}

static int info_cmp(const void *a, const void *b) {
        return strcmp(((const struct profile_info *) a)->name, ((const struct profile_info *) b)->name);
}

int profile_list(struct sysroot *sr, struct profile_info **ret, size_t *ret_n) {
        struct profile_env env = { .sr = sr };
        struct loader l = { .env = &env };
        struct profile_info *list = NULL;
        size_t n = 0;

        for (size_t i = 0; i < n_builtin_profiles; i++) {
                struct profile_info *in = info_slot(&list, &n, builtin_profiles[i].name, PROFILE_ORIGIN_BUILTIN);
                _cleanup_free_ char *d = xasprintf("builtin:%s", builtin_profiles[i].name);
                summary_from_text(in, d, builtin_profiles[i].text, strlen(builtin_profiles[i].text));
        }
        static const struct {
                enum sr_base base;
                const char *dir;
                enum profile_origin origin;
        } dirs[] = {
                { SR_USR, USR_PROFILES, PROFILE_ORIGIN_USR },
                { SR_ETC, ETC_PROFILES, PROFILE_ORIGIN_ETC },
        };
        for (size_t k = 0; sr && k < ELEMENTSOF(dirs); k++) {
                _cleanup_strv_ char **names = NULL;
                if (sysroot_list_dir(sr, dirs[k].base, dirs[k].dir, &names) < 0)
                        continue;
                for (size_t i = 0; names && names[i]; i++) {
                        if (!valid_name(names[i]))
                                continue;
                        for (size_t c = 0; c < ELEMENTSOF(conf_names); c++) {
                                _cleanup_free_ char *rel = xasprintf("%s/%s/%s", dirs[k].dir, names[i], conf_names[c]);
                                _cleanup_free_ char *display = sysroot_display_path(dirs[k].base, rel);
                                _cleanup_free_ char *text = NULL;
                                size_t len;
                                int r = read_sysroot(&l, dirs[k].base, rel, display, &text, &len);
                                if (not_found(r)) {
                                        free(l.error);
                                        l.error = NULL;
                                        continue;
                                }
                                struct profile_info *in = info_slot(&list, &n, names[i], dirs[k].origin);
                                in->path = xstrdup(display);
                                if (r < 0) {
                                        in->error = l.error ? TAKE_PTR(l.error)
                                                            : xasprintf("%s: %s", display, strerror(-r));
                                } else
                                        summary_from_text(in, display, text, len);
                                break;
                        }
                }
        }
        loader_done(&l);
        if (n > 1)
                qsort(list, n, sizeof(*list), info_cmp);
        *ret = list;
        *ret_n = n;
        return 0;
}

const char *const *profile_builtin_names(void) {
        static const char *names[16];
        for (size_t i = 0; i < n_builtin_profiles && i + 1 < ELEMENTSOF(names); i++)
                names[i] = builtin_profiles[i].name;
        return names;
}

const char *profile_builtin_text(const char *name) {
        const struct builtin_profile *b = find_builtin(name);
        return b ? b->text : NULL;
}
