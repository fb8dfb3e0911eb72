/* SPDX-License-Identifier: MIT */
/*
 * Config-file knobs, edited line by line so that every comment, every other
 * key and the file's own layout survive:
 *
 *   containers:KEY   etc/containers/storage.conf (TOML). A key without dots
 *                    lives in [storage] ("containers:driver"); with dots the
 *                    part before the last dot names the table
 *                    ("containers:storage.options.overlay.mountopt").
 *   nix:KEY          etc/nix/nix.conf, "name = value" lines; the last
 *                    assignment wins (as in Nix), so that is the one read
 *                    and replaced. Included files are not followed.
 *
 * For journaling, both kinds snapshot the whole file: the pseudo key
 * "@file" (knob IDs "containers:@file", "nix:@file") reads the file's
 * bytes (-ENODATA when it does not exist) and writing it back replaces the
 * file atomically (or removes it), so a rollback is byte-identical even if
 * the editor normalised something. The file's mode is kept.
 *
 * These are pure file edits: they work on a --root sysroot as well.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "knobs/knob-internal.h"
#include "plan/plan-internal.h"

#define CONF_FILE_MAX (1024u * 1024u)
#define FILE_KEY "@file"

/* ---- a tiny growable buffer ---- */

struct sbuf {
        char *s;
        size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n) {
        if (b->len + n + 1 > b->cap) {
                b->cap = (b->len + n + 1) * 2;
                b->s = xrealloc(b->s, b->cap);
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

static void sb_adds(struct sbuf *b, const char *s) {
        sb_add(b, s, strlen(s));
}

static char *sb_take(struct sbuf *b) {
        if (!b->s)
                return xstrdup("");
        return TAKE_PTR(b->s);
}

/* Next line of text at *pos: [*ret_start, *ret_end) without '\n';
 * *ret_next is after the '\n'. false at the end. */
static bool next_line(const char *text, size_t *pos, size_t *ret_start, size_t *ret_end) {
        size_t p = *pos;
        const char *nl;

        if (!text || !text[p])
                return false;
        nl = strchr(text + p, '\n');
        *ret_start = p;
        *ret_end = nl ? (size_t) (nl - text) : strlen(text);
        *pos = nl ? *ret_end + 1 : *ret_end;
        return true;
}

static const char *skip_ws(const char *s, const char *end) {
        while (s < end && (*s == ' ' || *s == '\t'))
                s++;
        return s;
}

/* ---- TOML ---- */

/* "[ storage . 'options' ]" -> "storage.options"; NULL if not a header. */
static char *toml_header(const char *s, const char *end) {
        struct sbuf b = {};
        const char *p = skip_ws(s, end);
        bool array;

        if (p >= end || *p != '[')
                return NULL;
        array = p + 1 < end && p[1] == '[';
        p += array ? 2 : 1;
        for (; p < end && *p != ']'; p++)
                if (*p != ' ' && *p != '\t' && *p != '"' && *p != '\'')
                        sb_add(&b, p, 1);
        if (p >= end) {
                free(b.s);
                return NULL;
        }
        return sb_take(&b);
}

/* If the line is "key = value", returns the start of the value and sets
 * *ret_key (bare or quoted key, unquoted). */
static const char *toml_keyval(const char *s, const char *end, char **ret_key) {
        const char *p = skip_ws(s, end), *k0, *k1;

        if (p >= end || *p == '#' || *p == '[')
                return NULL;
        if (*p == '"' || *p == '\'') {
                char q = *p++;
                k0 = p;
                while (p < end && *p != q)
                        p++;
                if (p >= end)
                        return NULL;
                k1 = p++;
        } else {
                k0 = p;
                while (p < end && (isalnum((unsigned char) *p) || *p == '_' || *p == '-' || *p == '.'))
                        p++;
                k1 = p;
                if (k0 == k1)
                        return NULL;
        }
        p = skip_ws(p, end);
        if (p >= end || *p != '=')
                return NULL;
        *ret_key = xstrndup(k0, (size_t) (k1 - k0));
        return skip_ws(p + 1, end);
}

/* End of a TOML value starting at v (on one line): after the closing quote
 * for strings, else before a comment / trailing blanks. -EINVAL for a
 * multi-line string or array (we do not edit those). */
static int toml_value_end(const char *v, const char *end, const char **ret) {
        const char *p = v;

        if (end - v >= 3 && (strncmp(v, "\"\"\"", 3) == 0 || strncmp(v, "'''", 3) == 0))
                return -EINVAL;
        if (*v == '"' || *v == '\'') {
                char q = *v;
                for (p = v + 1; p < end; p++) {
                        if (q == '"' && *p == '\\' && p + 1 < end) {
                                p++;
                                continue;
                        }
                        if (*p == q) {
                                *ret = p + 1;
                                return 0;
                        }
                }
                return -EINVAL;
        }
        if (*v == '[' || *v == '{') {
                /* single-line array / inline table: to the matching close */
                int depth = 0;
                char q = 0;
                for (p = v; p < end; p++) {
                        if (q) {
                                if (q == '"' && *p == '\\' && p + 1 < end)
                                        p++;
                                else if (*p == q)
                                        q = 0;
                        } else if (*p == '"' || *p == '\'')
                                q = *p;
                        else if (*p == '[' || *p == '{')
                                depth++;
                        else if ((*p == ']' || *p == '}') && --depth == 0) {
                                *ret = p + 1;
                                return 0;
                        }
                }
                return -EINVAL;
        }
        while (p < end && *p != '#')
                p++;
        while (p > v && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r'))
                p--;
        *ret = p;
        return 0;
}

static char *toml_unquote(const char *v, const char *vend) {
        struct sbuf b = {};
        if (vend - v >= 2 && *v == '\'')
                return xstrndup(v + 1, (size_t) (vend - v - 2));
        if (vend - v < 2 || *v != '"')
                return xstrndup(v, (size_t) (vend - v));
        for (const char *p = v + 1; p < vend - 1; p++) {
                if (*p == '\\' && p + 1 < vend - 1) {
                        char c = *++p;
                        char o = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
                        if (c == 'n' || c == 't' || c == 'r' || c == '"' || c == '\\')
                                sb_add(&b, &o, 1);
                        else {
                                sb_add(&b, p - 1, 2); /* \uXXXX etc.: kept raw */
                        }
                } else
                        sb_add(&b, p, 1);
        }
        return sb_take(&b);
}

static char *toml_quote(const char *value) {
        struct sbuf b = {};
        bool bare = streq(value, "true") || streq(value, "false");
        if (!bare && *value) {
                bare = true;
                for (const char *p = value + (*value == '-'); *p; p++)
                        bare = bare && isdigit((unsigned char) *p);
                bare = bare && value[*value == '-'];
        }
        if (bare)
                return xstrdup(value);
        sb_adds(&b, "\"");
        for (const char *p = value; *p; p++) {
                if (*p == '"' || *p == '\\') {
                        sb_adds(&b, "\\");
                        sb_add(&b, p, 1);
                } else if (*p == '\n')
                        sb_adds(&b, "\\n");
                else if (*p == '\t')
                        sb_adds(&b, "\\t");
                else if ((unsigned char) *p < 0x20) {
                        char u[8];
                        snprintf(u, sizeof u, "\\u%04x", (unsigned char) *p);
                        sb_adds(&b, u);
                } else
                        sb_add(&b, p, 1);
        }
        sb_adds(&b, "\"");
        return sb_take(&b);
}

/* Walks the file; for the first "key = " line in table calls back with the
 * line bounds and value bounds. Multi-line values of other keys are
 * skipped so their inner lines are never taken for headers. */
struct toml_hit {
        bool found, table_found;
        size_t line_start, line_end, next; /* next: after the '\n' */
        size_t val_start, val_end;
        size_t header_next; /* after the table's header line */
        int error;
};

static void toml_find(const char *text, const char *table, const char *key, struct toml_hit *h) {
        _cleanup_free_ char *cur = xstrdup("");
        size_t pos = 0, s, e;
        int depth = 0;   /* open brackets of a multi-line array */
        bool mls = false; /* inside a multi-line string */

        *h = (struct toml_hit) {};
        while (next_line(text, &pos, &s, &e)) {
                const char *ls = text + s, *le = text + e, *v;
                _cleanup_free_ char *k = NULL, *hdr = NULL;

                if (mls) {
                        /* crude but safe: a closing """ / ''' ends it */
                        if (strstr(ls, "\"\"\"") && strstr(ls, "\"\"\"") < le)
                                mls = false;
                        else if (strstr(ls, "'''") && strstr(ls, "'''") < le)
                                mls = false;
                        continue;
                }
                if (depth > 0) {
                        for (const char *p = ls; p < le && *p != '#'; p++)
                                depth += *p == '[' ? 1 : *p == ']' ? -1 : 0;
                        continue;
                }
                hdr = toml_header(ls, le);
                if (hdr) {
                        free(cur);
                        cur = TAKE_PTR(hdr);
                        if (streq(cur, table) && !h->table_found) {
                                h->table_found = true;
                                h->header_next = pos;
                        }
                        continue;
                }
                v = toml_keyval(ls, le, &k);
                if (!v)
                        continue;
                if (streq(cur, table) && streq(k, key) && !h->found) {
                        const char *ve;
                        h->found = true;
                        h->line_start = s;
                        h->line_end = e;
                        h->next = pos;
                        h->val_start = (size_t) (v - text);
                        h->error = toml_value_end(v, le, &ve);
                        h->val_end = h->error < 0 ? e : (size_t) (ve - text);
                        continue;
                }
                if (le - v >= 3 && (strncmp(v, "\"\"\"", 3) == 0 || strncmp(v, "'''", 3) == 0)) {
                        const char *close = NULL;
                        for (const char *p = v + 3; p + 3 <= le; p++)
                                if (strncmp(p, v, 3) == 0) {
                                        close = p;
                                        break;
                                }
                        mls = !close;
                } else if (*v == '[') {
                        char q = 0;
                        for (const char *p = v; p < le; p++) {
                                if (q) {
                                        if (*p == q)
                                                q = 0;
                                } else if (*p == '"' || *p == '\'')
                                        q = *p;
                                else if (*p == '#')
                                        break;
                                else
                                        depth += *p == '[' ? 1 : *p == ']' ? -1 : 0;
                        }
                        if (depth < 0)
                                depth = 0;
                }
        }
}

int knob_toml_get(const char *text, const char *table, const char *key, char **ret) {
        struct toml_hit h;

        toml_find(text, table, key, &h);
        if (!h.found)
                return -ENODATA;
        if (h.error < 0)
                return h.error;
        *ret = toml_unquote(text + h.val_start, text + h.val_end);
        return 0;
}

int knob_toml_set(const char *text, const char *table, const char *key, const char *value, char **ret_text) {
        _cleanup_free_ char *q = NULL;
        struct sbuf b = {};
        struct toml_hit h;
        size_t len = text ? strlen(text) : 0;

        if (value && strchr(value, '\n'))
                return -EINVAL;
        toml_find(text, table, key, &h);
        if (h.found && h.error < 0)
                return h.error;
        q = value ? toml_quote(value) : NULL;
        if (h.found) {
                sb_add(&b, text, value ? h.val_start : h.line_start);
                if (value) {
                        sb_adds(&b, q);
                        sb_add(&b, text + h.val_end, len - h.val_end);
                } else
                        sb_add(&b, text + h.next, len - h.next);
        } else if (!value) {
                sb_add(&b, strempty(text), len);
        } else if (h.table_found) {
                sb_add(&b, text, h.header_next);
                if (h.header_next > 0 && text[h.header_next - 1] != '\n')
                        sb_adds(&b, "\n");
                sb_adds(&b, key);
                sb_adds(&b, " = ");
                sb_adds(&b, q);
                sb_adds(&b, "\n");
                sb_add(&b, text + h.header_next, len - h.header_next);
        } else {
                sb_add(&b, strempty(text), len);
                if (len > 0 && text[len - 1] != '\n')
                        sb_adds(&b, "\n");
                if (len > 0)
                        sb_adds(&b, "\n");
                sb_adds(&b, "[");
                sb_adds(&b, table);
                sb_adds(&b, "]\n");
                sb_adds(&b, key);
                sb_adds(&b, " = ");
                sb_adds(&b, q);
                sb_adds(&b, "\n");
        }
        *ret_text = sb_take(&b);
        return 0;
}

/* ---- nix.conf ---- */

struct nix_hit {
        bool found;
        size_t line_start, next, val_start, val_end;
};

static void nix_find(const char *text, const char *key, struct nix_hit *h) {
        size_t pos = 0, s, e, kl = strlen(key);

        *h = (struct nix_hit) {};
        while (next_line(text, &pos, &s, &e)) {
                const char *p = skip_ws(text + s, text + e), *le = text + e, *v, *ve;
                if ((size_t) (le - p) < kl || strncmp(p, key, kl) != 0)
                        continue;
                p = skip_ws(p + kl, le);
                if (p >= le || *p != '=')
                        continue;
                v = skip_ws(p + 1, le);
                ve = v;
                while (ve < le && *ve != '#')
                        ve++;
                while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
                        ve--;
                /* the last assignment wins, as in Nix */
                h->found = true;
                h->line_start = s;
                h->next = pos;
                h->val_start = (size_t) (v - text);
                h->val_end = (size_t) (ve - text);
        }
}

int knob_nixconf_get(const char *text, const char *key, char **ret) {
        _cleanup_free_ char *v = NULL;
        struct nix_hit h;

        nix_find(text, key, &h);
        if (!h.found)
                return -ENODATA;
        v = xstrndup(text + h.val_start, h.val_end - h.val_start);
        *ret = knob_collapse_ws(v);
        return 0;
}

int knob_nixconf_set(const char *text, const char *key, const char *value, char **ret_text) {
        struct sbuf b = {};
        struct nix_hit h;
        size_t len = text ? strlen(text) : 0;

        if (value && (strpbrk(value, "\n#") || !*value))
                return -EINVAL;
        nix_find(text, key, &h);
        if (h.found) {
                if (value) {
                        sb_add(&b, text, h.val_start);
                        sb_adds(&b, value);
                        sb_add(&b, text + h.val_end, len - h.val_end);
                } else {
                        sb_add(&b, text, h.line_start);
                        sb_add(&b, text + h.next, len - h.next);
                }
        } else {
                sb_add(&b, strempty(text), len);
                if (value) {
                        if (len > 0 && text[len - 1] != '\n')
                                sb_adds(&b, "\n");
                        sb_adds(&b, key);
                        sb_adds(&b, " = ");
                        sb_adds(&b, value);
                        sb_adds(&b, "\n");
                }
        }
        *ret_text = sb_take(&b);
        return 0;
}

/* ---- file access ---- */

struct conf_file {
        enum sr_base base;
        const char *dir, *name;
};

static const struct conf_file containers_file = { SR_ETC, "containers", "storage.conf" };
static const struct conf_file nix_file = { SR_ETC, "nix", "nix.conf" };

static int file_read(struct sysroot *sr, const struct conf_file *f, char **ret) {
        _cleanup_free_ char *rel = xasprintf("%s/%s", f->dir, f->name);
        size_t len = 0, cap = 4096;
        char *buf;
        struct stat st;
        int fd;

        /* Read by hand, not sysroot_read_file(): that one turns NULs into
         * spaces, and a snapshot must be the file's exact bytes. */
        fd = sysroot_openat(sr, f->base, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0);
        if (fd == -ENOENT)
                return -ENODATA;
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return -EBADFD;
        }
        buf = xmalloc(cap + 1);
        for (;;) {
                ssize_t n;
                if (len == cap) {
                        if (cap >= CONF_FILE_MAX) {
                                close(fd);
                                free(buf);
                                return -EFBIG; /* we would not write back what we did not read */
                        }
                        cap *= 2;
                        buf = xrealloc(buf, cap + 1);
                }
                n = read(fd, buf + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        close(fd);
                        free(buf);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        close(fd);
        buf[len] = '\0';
        if (strlen(buf) != len) {
                free(buf);
                return -EBADMSG; /* a NUL in a config file: not text we edit */
        }
        *ret = buf;
        return 0;
}

static int file_write(struct sysroot *sr, const struct conf_file *f, const char *content) {
        _cleanup_free_ char *rel = xasprintf("%s/%s", f->dir, f->name);
        mode_t mode = 0644;
        struct stat st;
        int dfd, r;

        dfd = sysroot_openat(sr, f->base, f->dir, O_RDONLY | O_DIRECTORY, 0);
        if (dfd < 0)
                return dfd;
        if (fstatat(dfd, f->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                if (!S_ISREG(st.st_mode)) {
                        close(dfd);
                        return S_ISLNK(st.st_mode) ? -ELOOP : -EEXIST;
                }
                mode = st.st_mode & 07777;
        }
        if (!content) {
                r = unlinkat(dfd, f->name, 0) < 0 && errno != ENOENT ? -errno : 0;
                if (r == 0 && fsync(dfd) < 0)
                        r = -errno;
                close(dfd);
                return r;
        }
        close(dfd);
        return sysroot_write_file_atomic(sr, f->base, rel, content, strlen(content), mode);
}

/* ---- containers ---- */

static int containers_split(const char *key, char **ret_table, char **ret_key) {
        const char *dot = strrchr(key, '.');
        if (strlen(key) > 128)
                return -EINVAL;
        for (const char *p = key; *p; p++)
                if (!isalnum((unsigned char) *p) && *p != '_' && *p != '-' && *p != '.')
                        return -EINVAL;
        if (!*key || key[0] == '.' || (dot && !dot[1]) || strstr(key, ".."))
                return -EINVAL;
        *ret_table = dot ? xstrndup(key, (size_t) (dot - key)) : xstrdup("storage");
        *ret_key = xstrdup(dot ? dot + 1 : key);
        return 0;
}

static int containers_validate(const char *key) {
        _cleanup_free_ char *t = NULL, *k = NULL;
        if (streq(key, FILE_KEY))
                return 0;
        return containers_split(key, &t, &k);
}

static int containers_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *text = NULL, *t = NULL, *k = NULL;
        int r;

        if (streq(key, FILE_KEY))
                return file_read(sr, &containers_file, ret);
        r = containers_split(key, &t, &k);
        if (r < 0)
                return r;
        r = file_read(sr, &containers_file, &text);
        if (r < 0)
                return r;
        return knob_toml_get(text, t, k, ret);
}

static int containers_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *text = NULL, *t = NULL, *k = NULL, *out = NULL;
        int r;

        if (streq(key, FILE_KEY))
                return file_write(sr, &containers_file, value);
        r = containers_split(key, &t, &k);
        if (r < 0)
                return r;
        r = file_read(sr, &containers_file, &text);
        if (r < 0 && r != -ENODATA)
                return r;
        r = knob_toml_set(text, t, k, value, &out);
        if (r < 0)
                return r;
        if (text && streq(text, out))
                return 0;
        return file_write(sr, &containers_file, out);
}

static int file_snapshot_keys(const char *key, char ***ret) {
        (void) key;
        *ret = knob_strv_one(FILE_KEY);
        return 0;
}

static char *containers_path(const struct facts *f, const char *key) {
        (void) f, (void) key;
        return sysroot_display_path(SR_ETC, "containers/storage.conf");
}

static const struct knob_unit containers_units[] = {
        { "containers", plan_unit_containers, true },
        {},
};

const struct knob_kind knob_kind_containers = {
        .group = "containers",
        .grammar = "containers:[TABLE.]KEY",
        .summary = "podman storage.conf keys, [storage] by default (read at podman's next start)",
        .units = containers_units,
        .path = containers_path,
        .config_file = true,
        .persist_to = (const char *const[]) { "containers", "nixos", NULL },
        .validate = containers_validate,
        .read = containers_read,
        .write = containers_write,
        .snapshot_keys = file_snapshot_keys,
        .runtime = false,
        .persist = "storage.conf",
};

/* ---- nix ---- */

static int nix_validate(const char *key) {
        if (streq(key, FILE_KEY))
                return 0;
        return knob_name_is_safe(key, true) ? 0 : -EINVAL;
}

static int nix_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        if (streq(key, FILE_KEY))
                return file_read(sr, &nix_file, ret);
        if (nix_validate(key) < 0)
                return -EINVAL;
        r = file_read(sr, &nix_file, &text);
        if (r < 0)
                return r;
        return knob_nixconf_get(text, key, ret);
}

static int nix_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *text = NULL, *out = NULL;
        int r;

        if (streq(key, FILE_KEY))
                return file_write(sr, &nix_file, value);
        if (nix_validate(key) < 0)
                return -EINVAL;
        r = file_read(sr, &nix_file, &text);
        if (r < 0 && r != -ENODATA)
                return r;
        r = knob_nixconf_set(text, key, value, &out);
        if (r < 0)
                return r;
        if (text && streq(text, out))
                return 0;
        return file_write(sr, &nix_file, out);
}

static int nix_normalize(const char *key, const char *value, char **ret) {
        if (streq(key, FILE_KEY)) {
                *ret = xstrdup(value);
                return 0;
        }
        *ret = knob_collapse_ws(value);
        return 0;
}

static char *nix_path(const struct facts *f, const char *key) {
        (void) f, (void) key;
        return sysroot_display_path(SR_ETC, "nix/nix.conf");
}

static const struct knob_unit nix_units[] = {
        { "nix", plan_unit_nix, true },
        {},
};

const struct knob_kind knob_kind_nix = {
        .group = "nix",
        .grammar = "nix:SETTING",
        .summary = "nix.conf settings (read at nix-daemon's next start)",
        .units = nix_units,
        .path = nix_path,
        .config_file = true,
        .persist_to = (const char *const[]) { "nix", "nixos", NULL },
        .validate = nix_validate,
        .read = nix_read,
        .write = nix_write,
        .normalize = nix_normalize,
        .snapshot_keys = file_snapshot_keys,
        .runtime = false,
        .persist = "nix.conf",
};
