/* SPDX-License-Identifier: MIT */
/*
 * The INI reader: Python's configparser._read() as TuneD configures it
 * (ConfigParser(delimiters=('='), inline_comment_prefixes=('#'),
 * strict=False), optionxform=str, empty_lines_in_values=True, comment
 * prefixes '#' and ';'). Deliberate additions: bytes that are not UTF-8
 * text (Python would fail to decode them) or control characters are an
 * error with FILE:LINE, and sizes are capped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "profile/profile-internal.h"

#define INI_SECTIONS_MAX 2048u
#define INI_KEYS_MAX 2048u

void sbuf_putn(struct sbuf *b, const char *s, size_t n) {
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                while (cap < b->len + n + 1)
                        cap *= 2;
                b->s = xrealloc(b->s, cap);
                b->cap = cap;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s) {
        sbuf_putn(b, s, strlen(s));
}

void sbuf_putc(struct sbuf *b, char c) {
        sbuf_putn(b, &c, 1);
}

char *sbuf_take(struct sbuf *b) {
        char *s = b->s ? b->s : xstrdup("");
        *b = (struct sbuf) {};
        return s;
}

void sbuf_done(struct sbuf *b) {
        free(b->s);
        *b = (struct sbuf) {};
}

struct ini_file *ini_file_free(struct ini_file *f) {
        if (!f)
                return NULL;
        for (size_t i = 0; i < f->n_sections; i++) {
                struct ini_section *s = &f->sections[i];
                for (size_t j = 0; j < s->n_entries; j++) {
                        free(s->entries[j].key);
                        free(s->entries[j].value);
                }
                free(s->entries);
                free(s->name);
        }
        free(f->sections);
        free(f);
        return NULL;
}

static void ini_file_freep(struct ini_file **f) {
        ini_file_free(*f);
}

const struct ini_section *ini_find_section(const struct ini_file *f, const char *name) {
        for (size_t i = 0; i < f->n_sections; i++)
                if (streq(f->sections[i].name, name))
                        return &f->sections[i];
        return NULL;
}

static ssize_t section_find_key(const struct ini_section *s, const char *key) {
        for (size_t j = 0; j < s->n_entries; j++)
                if (streq(s->entries[j].key, key))
                        return (ssize_t) j;
        return -1;
}

const char *ini_section_get(const struct ini_section *s, const char *key) {
        ssize_t j = section_find_key(s, key);
        return j < 0 ? NULL : s->entries[j].value;
}

/* Length of a valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n) {
        unsigned char c = p[0];
        size_t l;
        uint32_t cp;

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                l = 2, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
                l = 3, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
                l = 4, cp = c & 0x07;
        else
                return 0;
        if (n < l)
                return 0;
        for (size_t i = 1; i < l; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((l == 3 && cp < 0x800) || (l == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return l;
}

static bool is_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Python str.strip() on [b, e) for ASCII whitespace. */
static char *strip_dup(const char *b, const char *e) {
        while (b < e && is_space(*b))
                b++;
        while (e > b && is_space(e[-1]))
                e--;
        return xstrndup(b, (size_t) (e - b));
}

static void rstrip(char *s) {
        size_t l = strlen(s);
        while (l > 0 && is_space(s[l - 1]))
                s[--l] = '\0';
}

struct parser {
        const char *file;
        struct ini_file *f;
        ssize_t cursect;    /* index, -1 = none */
        ssize_t optkey;     /* index of current option in cursect, -1 = none */
        bool optvalued;     /* current option has a value (not allow_no_value None) */
        struct sbuf cur;    /* value being built for optkey */
        size_t indent_level;
};

static void flush(struct parser *p) {
        if (p->cursect < 0 || p->optkey < 0 || !p->optvalued)
                return;
        struct ini_entry *e = &p->f->sections[p->cursect].entries[p->optkey];
        free(e->value);
        e->value = sbuf_take(&p->cur);
        rstrip(e->value);
}

static int fail(char **ret_error, const char *file, unsigned line, const char *fmt, const char *arg) {
        if (ret_error) {
                _cleanup_free_ char *m = xasprintf(fmt, arg);
                *ret_error = xasprintf("%s:%u: %s", file, line, m);
        }
        return -EINVAL;
}

static ssize_t open_section(struct parser *p, const char *name, unsigned line) {
        for (size_t i = 0; i < p->f->n_sections; i++)
                if (streq(p->f->sections[i].name, name))
                        return (ssize_t) i;
        if (p->f->n_sections >= INI_SECTIONS_MAX)
                return -1;
        struct ini_section *s = array_grow(&p->f->sections, &p->f->n_sections, sizeof(*s));
        s->name = xstrdup(name);
        s->line = line;
        return (ssize_t) (p->f->n_sections - 1);
}

/* One logical line [b, e) (no newline). */
static int parse_line(struct parser *p, const char *b, const char *e, unsigned lineno, bool magic,
                      char **ret_error) {
        size_t n = (size_t) (e - b);
        size_t comment_start = SIZE_MAX;
        const char *fs, *fe;

        /* inline comments: first '#' at column 0 or after whitespace */
        for (size_t i = 0; i < n; i++)
                if (b[i] == '#' && (i == 0 || is_space(b[i - 1]))) {
                        comment_start = i;
                        break;
                }
        /* full-line comments */
        fs = b;
        fe = e;
        while (fs < fe && is_space(*fs))
                fs++;
        if (fs < fe && (*fs == '#' || *fs == ';'))
                comment_start = 0;

        _cleanup_free_ char *value = strip_dup(b, comment_start == SIZE_MAX ? e : b + comment_start);
        if (!*value) {
                /* empty line inside a value is kept, a comment line is not */
                if (comment_start == SIZE_MAX && p->cursect >= 0 && p->optkey >= 0 && p->optvalued)
                        sbuf_putc(&p->cur, '\n');
                return 0;
        }

        size_t cur_indent = (size_t) (fs - b);
        if (p->cursect >= 0 && p->optkey >= 0 && cur_indent > p->indent_level) {
                if (p->optvalued) {
                        sbuf_putc(&p->cur, '\n');
                        sbuf_puts(&p->cur, value);
                }
                return 0;
        }
        p->indent_level = cur_indent;

        /* section header: \[(.+)\] matched at the start, greedy */
        if (value[0] == '[') {
                char *rb = strrchr(value, ']');
                if (rb && rb > value + 1) {
                        flush(p);
                        *rb = '\0';
                        p->cursect = open_section(p, value + 1, lineno);
                        if (p->cursect < 0)
                                return fail(ret_error, p->file, lineno, "more than %s sections", "2048");
                        p->optkey = -1;
                        return 0;
                }
        }
        if (p->cursect < 0) {
                if (!magic)
                        return fail(ret_error, p->file, lineno,
                                    "'%s' before any [section] header", value);
                p->cursect = open_section(p, "", lineno);
        }

        char *eq = strchr(value, '=');
        _cleanup_free_ char *key = NULL, *val = NULL;
        if (eq) {
                key = strip_dup(value, eq);
                val = strip_dup(eq + 1, eq + 1 + strlen(eq + 1));
                if (!*key)
                        return fail(ret_error, p->file, lineno, "'%s': empty key before '='", value);
        } else {
                if (!magic)
                        return fail(ret_error, p->file, lineno, "'%s': expected KEY=VALUE", value);
                key = xstrdup(value);
        }

        flush(p);
        struct ini_section *s = &p->f->sections[p->cursect];
        ssize_t j = section_find_key(s, key);
        if (j < 0) {
                if (s->n_entries >= INI_KEYS_MAX)
                        return fail(ret_error, p->file, lineno, "more than %s keys in one section", "2048");
                struct ini_entry *ne = array_grow(&s->entries, &s->n_entries, sizeof(*ne));
                ne->key = TAKE_PTR(key);
                j = (ssize_t) s->n_entries - 1;
        }
        struct ini_entry *en = &s->entries[j];
        en->line = lineno;
        free(en->value);
        en->value = NULL;
        p->optkey = j;
        p->optvalued = val != NULL;
        if (val) {
                en->value = xstrdup("");
                sbuf_puts(&p->cur, val);
        }
        return 0;
}

/* configparser's [DEFAULT]: its keys show up in every other section (after
 * the section's own keys), and it is not a section itself. */
static void apply_default(struct ini_file *f) {
        ssize_t d = -1;
        for (size_t i = 0; i < f->n_sections; i++)
                if (streq(f->sections[i].name, "DEFAULT"))
                        d = (ssize_t) i;
        if (d < 0)
                return;
        struct ini_section def = f->sections[d];
        memmove(&f->sections[d], &f->sections[d + 1], (f->n_sections - (size_t) d - 1) * sizeof(def));
        f->n_sections--;
        for (size_t i = 0; i < f->n_sections; i++) {
                struct ini_section *s = &f->sections[i];
                for (size_t j = 0; j < def.n_entries; j++) {
                        if (section_find_key(s, def.entries[j].key) >= 0)
                                continue;
                        struct ini_entry *ne = array_grow(&s->entries, &s->n_entries, sizeof(*ne));
                        ne->key = xstrdup(def.entries[j].key);
                        ne->value = def.entries[j].value ? xstrdup(def.entries[j].value) : NULL;
                        ne->line = def.entries[j].line;
                }
        }
        for (size_t j = 0; j < def.n_entries; j++) {
                free(def.entries[j].key);
                free(def.entries[j].value);
        }
        free(def.entries);
        free(def.name);
}

int ini_parse(const char *file, const char *text, size_t len, bool magic, struct ini_file **ret,
              char **ret_error) {
        _cleanup_(ini_file_freep) struct ini_file *f = xcalloc(1, sizeof(*f));
        struct parser p = { .file = file, .f = f, .cursect = -1, .optkey = -1 };
        unsigned lineno = 0;
        size_t i = 0;
        int r = 0;

        if (len > PROFILE_FILE_MAX) {
                if (ret_error)
                        *ret_error = xasprintf("%s: larger than %u bytes", file, PROFILE_FILE_MAX);
                return -EFBIG;
        }
        while (i < len) {
                size_t start = i;
                lineno++;
                if (lineno > PROFILE_LINES_MAX) {
                        if (ret_error)
                                *ret_error = xasprintf("%s:%u: more than %u lines", file, lineno,
                                                       PROFILE_LINES_MAX);
                        r = -EFBIG;
                        goto out;
                }
                /* universal newlines: \n, \r\n, \r; validate the bytes */
                while (i < len && text[i] != '\n' && text[i] != '\r') {
                        unsigned char c = (unsigned char) text[i];
                        size_t l = utf8_len((const unsigned char *) text + i, len - i);
                        if (l == 0 || (c < 0x20 && c != '\t' && c != '\v' && c != '\f')) {
                                if (ret_error)
                                        *ret_error = xasprintf("%s:%u: invalid byte 0x%02x (not UTF-8 text)",
                                                               file, lineno, c);
                                r = -EINVAL;
                                goto out;
                        }
                        i += l;
                }
                size_t end = i;
                if (i < len && text[i] == '\r')
                        i++;
                if (i < len && text[i] == '\n' && (i == end || text[i - 1] == '\r'))
                        i++;
                r = parse_line(&p, text + start, text + end, lineno, magic, ret_error);
                if (r < 0)
                        goto out;
        }
        flush(&p);
        apply_default(f);
        *ret = TAKE_PTR(f);
out:
        sbuf_done(&p.cur);
        return r;
}
