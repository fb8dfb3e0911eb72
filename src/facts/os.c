/* SPDX-License-Identifier: MIT */
/*
 * os-release(5): shell-compatible KEY=value assignments.
 *
 * The parser is a small state machine over the whole text, like systemd's
 * env-file parser, rather than a per-line split: a quoted value may hold a
 * newline and a backslash-newline continues a line, and both would break a
 * line splitter. Quoting follows the shell: '...' is literal, "..." takes
 * \" \\ \$ \` escapes, unquoted text takes any \c. An unterminated quote
 * makes that value (and the rest of the file, which is inside it) garbage:
 * it is dropped, the keys before it are kept.
 */
#include "facts/facts.h"

#include <errno.h>
#include <stddef.h>

#include "log.h"
#include "util.h"

/* No real value comes close; a longer one is garbage, not a name. */
#define OS_VALUE_MAX 4096

static const struct {
        const char *key;
        size_t offset;
} os_keys[] = {
        { "ID", offsetof(struct os_facts, id) },
        { "VERSION_ID", offsetof(struct os_facts, version_id) },
        { "PRETTY_NAME", offsetof(struct os_facts, pretty_name) },
        { "NAME", offsetof(struct os_facts, name) },
        { "ID_LIKE", offsetof(struct os_facts, id_like) },
        { "VARIANT_ID", offsetof(struct os_facts, variant_id) },
};

static bool is_key_char(char c, bool first) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

struct value_buf {
        char *s;
        size_t len, cap;
        size_t keep;      /* length without trailing unquoted whitespace */
        bool overflow;
};

static void value_put(struct value_buf *b, char c, bool strippable) {
        if (b->len >= OS_VALUE_MAX) {
                b->overflow = true;
                return;
        }
        if (b->len + 1 >= b->cap) {
                b->cap = b->cap ? b->cap * 2 : 64;
                b->s = xrealloc(b->s, b->cap);
        }
        b->s[b->len++] = c;
        if (!strippable)
                b->keep = b->len;
}

/* Parses the value starting at *p (after '=' and leading blanks) up to the
 * end of its line. Returns 0 with the value, -EINVAL for an unterminated
 * quote (then *p is at the end of the text). */
static int parse_value(const char **p, char **ret) {
        enum { UNQUOTED, SINGLE, DOUBLE } state = UNQUOTED;
        struct value_buf b = {};
        const char *s = *p;

        for (;; s++) {
                char c = *s;

                if (state == UNQUOTED) {
                        if (c == '\0' || c == '\n')
                                break;
                        if (c == '\'')
                                state = SINGLE;
                        else if (c == '"')
                                state = DOUBLE;
                        else if (c == '\\') {
                                if (s[1] == '\0')
                                        break;
                                s++;
                                if (*s != '\n')
                                        value_put(&b, *s, false);
                        } else
                                value_put(&b, c, c == ' ' || c == '\t' || c == '\r');
                } else if (state == SINGLE) {
                        if (c == '\0')
                                goto unterminated;
                        if (c == '\'')
                                state = UNQUOTED;
                        else
                                value_put(&b, c, false);
                } else {
                        if (c == '\0')
                                goto unterminated;
                        if (c == '"')
                                state = UNQUOTED;
                        else if (c == '\\') {
                                char n = s[1];
                                if (n == '\0')
                                        goto unterminated;
                                s++;
                                if (n == '\n')
                                        continue;
                                if (!strchr("\"\\`$", n))
                                        value_put(&b, '\\', false);
                                value_put(&b, n, false);
                        } else
                                value_put(&b, c, false);
                }
        }
        *p = s;
        if (b.overflow) {
                free(b.s);
                *ret = NULL;
                return 0;
        }
        if (b.keep == 0) {
                free(b.s);
                *ret = NULL;  /* empty means unknown */
                return 0;
        }
        b.s[b.keep] = '\0';
        *ret = b.s;
        return 0;

unterminated:
        free(b.s);
        *p = s;
        return -EINVAL;
}

int facts_parse_os_release(const char *text, struct os_facts *ret) {
        struct os_facts o = {};
        const char *p = text;
        bool assigned = false;

        if (!text)
                return -EINVAL;
        while (*p) {
                const char *key;
                size_t key_len;
                char *value;

                p += strspn(p, " \t\r\n");
                if (!*p)
                        break;
                if (*p == '#' || *p == ';' || !is_key_char(*p, true)) {
                        /* Comment or garbage: skip the line. */
                        p += strcspn(p, "\n");
                        continue;
                }
                key = p;
                while (is_key_char(*p, false))
                        p++;
                key_len = (size_t) (p - key);
                p += strspn(p, " \t");
                if (*p != '=') {
                        p += strcspn(p, "\n");
                        continue;
                }
                p++;
                p += strspn(p, " \t");
                if (parse_value(&p, &value) < 0)
                        break;
                assigned = true;
                for (size_t i = 0; i < ELEMENTSOF(os_keys); i++) {
                        char **field = (char **) ((char *) &o + os_keys[i].offset);
                        if (strlen(os_keys[i].key) != key_len || memcmp(os_keys[i].key, key, key_len) != 0)
                                continue;
                        /* Later assignments win, as in the shell. */
                        free(*field);
                        *field = TAKE_PTR(value);
                        break;
                }
                free(value);
        }
        if (!assigned) {
                os_facts_done(&o);
                return -EINVAL;
        }
        *ret = o;
        return 0;
}

void facts_collect_os(struct sysroot *sr, struct facts *f) {
        static const struct {
                enum sr_base base;
                const char *rel;
        } candidates[] = {
                /* os-release(5): /etc first, /usr/lib as the fallback. */
                { SR_ETC, "os-release" },
                { SR_USR, "lib/os-release" },
        };

        for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
                _cleanup_free_ char *text = NULL;
                _cleanup_free_ char *path = sysroot_display_path(candidates[i].base, candidates[i].rel);
                int r;

                r = sysroot_read_file(sr, candidates[i].base, candidates[i].rel, 64 * 1024, &text, NULL, NULL);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        facts_warn(f, "cannot read '%s': %s", path, strerror(-r));
                        continue;
                }
                os_facts_done(&f->os);
                if (facts_parse_os_release(text, &f->os) < 0) {
                        facts_warn(f, "'%s': no KEY=value assignments found", path);
                        continue;
                }
                log_debug_topic("os", "%s: id=%s version_id=%s", path, strna(f->os.id), strna(f->os.version_id));
                return;
        }
}
