/* SPDX-License-Identifier: MIT */
#include "checkconfig/finder.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

/* Nested "/path" = { ... } blocks deeper than this are not configuration. */
#define CTX_DEPTH_MAX 64

static const char *const kind_names[_CC_KIND_MAX] = {
        [CC_DEVNAME] = "devname",   [CC_BY_UUID] = "by-uuid",   [CC_BY_PARTUUID] = "by-partuuid",
        [CC_BY_LABEL] = "by-label", [CC_BY_ID] = "by-id",       [CC_BY_PATH] = "by-path",
        [CC_TAG_UUID] = "UUID=",    [CC_TAG_PARTUUID] = "PARTUUID=", [CC_TAG_LABEL] = "LABEL=",
        [CC_PLACEHOLDER] = "placeholder",
};

const char *cc_kind_to_string(enum cc_kind k) {
        return k < _CC_KIND_MAX ? kind_names[k] : NULL;
}

static bool is_word(int c) {
        return isalnum(c) || c == '_';
}

/* Characters of a link name or tag value (udev escapes as \x20). */
static bool is_name_char(int c) {
        return isalnum(c) || (c && strchr("._:+@=#\\-%", c));
}

int cc_is_placeholder(const char *t) {
        size_t n = strlen(t), xs = 0, letters = 0;
        static const char *const words[] = { "UUID", "PARTUUID", "DISK", "DISKS", "DISKO" };

        if (n < 4 || n > 64)
                return 0;
        if (t[0] == '<' && t[n - 1] == '>') {
                _cleanup_free_ char *low = xstrndup(t + 1, n - 2);
                for (char *p = low; *p; p++) {
                        if (!isalnum((unsigned char) *p) && !strchr("_- ", *p))
                                return 0;
                        *p = (char) tolower((unsigned char) *p);
                }
                return strstr(low, "uuid") || strstr(low, "disk") || strstr(low, "device") ||
                       strstr(low, "partition") || strstr(low, "label");
        }
        for (const char *p = t; *p; p++) {
                if (!(isupper((unsigned char) *p) || isdigit((unsigned char) *p) || *p == '_' || *p == '-'))
                        return 0;
                letters += isupper((unsigned char) *p) != 0;
                xs += *p == 'X';
        }
        if (letters == 0 || t[0] == '-' || t[0] == '_' || t[n - 1] == '-' || t[n - 1] == '_')
                return 0;
        /* XXXX-XXXX, XXXXXXXX-XXXX-...: a UUID written as a mask */
        if (xs == letters && xs >= 4)
                return 1;
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (streq(t, words[i]))
                        return 0;
        /* udev properties (ID_FS_UUID, ID_PART_ENTRY_UUID) are names, not values */
        if (startswith(t, "ID_"))
                return 0;
        if (!strstr(t, "UUID") && !strstr(t, "DISK"))
                return 0;
        return strchr(t, '_') || strchr(t, '-') || startswith(t, "YOUR");
}

struct ctx_entry {
        char *mp;
        long depth;
        unsigned line;
        bool block; /* "/x" = { ... }: lasts until its closing brace */
};

struct scan {
        const char *s;
        size_t len;
        unsigned line;
        size_t line_start;
        long depth;
        struct ctx_entry ctx[CTX_DEPTH_MAX];
        size_t n_ctx;
        char *fstab_mp;        /* mount point of this line when it is an fstab line */
        struct cc_ref *refs;
        size_t n_refs;
};

static void ctx_pop_to(struct scan *sc) {
        while (sc->n_ctx > 0) {
                struct ctx_entry *e = &sc->ctx[sc->n_ctx - 1];
                bool over = e->block ? sc->depth <= e->depth : sc->line != e->line;
                if (!over)
                        break;
                free(e->mp);
                sc->n_ctx--;
        }
}

/* fstab line: no Nix punctuation, at least three fields, the second a path. */
static char *fstab_mountpoint(const char *line, size_t n) {
        _cleanup_free_ char *copy = xstrndup(line, n);
        _cleanup_strv_ char **f = NULL;
        char *p = copy;

        while (*p == ' ' || *p == '\t')
                p++;
        if (*p == '#')
                p++; /* a commented-out fstab line still says which mount it is */
        if (strpbrk(p, ";{}\"'"))
                return NULL;
        f = strv_split(p, " \t");
        if (strv_length(f) < 3 || f[1][0] != '/' || startswith(f[1], "/dev/"))
                return NULL;
        return xstrdup(f[1]);
}

static void add_ref(struct scan *sc, size_t pos, size_t end, enum cc_kind k, size_t name_off) {
        struct cc_ref *r;
        if (sc->n_refs >= CC_REFS_MAX)
                return;
        r = array_grow(&sc->refs, &sc->n_refs, sizeof(*r));
        r->line = sc->line;
        r->column = (unsigned) (pos - sc->line_start + 1);
        r->kind = k;
        r->text = xstrndup(sc->s + pos, end - pos);
        r->name = xstrndup(sc->s + pos + name_off, end - pos - name_off);
        r->placeholder = k == CC_PLACEHOLDER || cc_is_placeholder(r->name);
        if (sc->fstab_mp)
                r->mountpoint = xstrdup(sc->fstab_mp);
        else if (sc->n_ctx > 0)
                r->mountpoint = xstrdup(sc->ctx[sc->n_ctx - 1].mp);
}

static size_t span(const char *s, size_t i, size_t len, bool (*ok)(int)) {
        while (i < len && ok((unsigned char) s[i]))
                i++;
        return i;
}

static bool is_lower(int c) {
        return c >= 'a' && c <= 'z';
}

static bool is_digit(int c) {
        return c >= '0' && c <= '9';
}

/* Length of a kernel disk name at p ("sda4", "nvme0n1p2"), 0 if none. */
static size_t devname_len(const char *s, size_t i, size_t len) {
        static const char *const letter_prefixes[] = { "xvd", "sd", "vd", "hd" };
        size_t j;

        for (size_t k = 0; k < ELEMENTSOF(letter_prefixes); k++) {
                size_t pl = strlen(letter_prefixes[k]);
                if (i + pl < len && strncmp(s + i, letter_prefixes[k], pl) == 0 && is_lower((unsigned char) s[i + pl])) {
                        j = span(s, i + pl, len, is_lower);
                        j = span(s, j, len, is_digit);
                        return j - i;
                }
        }
        if (i + 4 < len && strncmp(s + i, "nvme", 4) == 0 && is_digit((unsigned char) s[i + 4])) {
                j = span(s, i + 4, len, is_digit);
                if (j + 1 < len && s[j] == 'n' && is_digit((unsigned char) s[j + 1])) {
                        j = span(s, j + 1, len, is_digit);
                        if (j + 1 < len && s[j] == 'p' && is_digit((unsigned char) s[j + 1]))
                                j = span(s, j + 1, len, is_digit);
                        return j - i;
                }
                return 0;
        }
        if (i + 6 < len && strncmp(s + i, "mmcblk", 6) == 0 && is_digit((unsigned char) s[i + 6])) {
                j = span(s, i + 6, len, is_digit);
                if (j + 1 < len && s[j] == 'p' && is_digit((unsigned char) s[j + 1]))
                        j = span(s, j + 1, len, is_digit);
                return j - i;
        }
        return 0;
}

static bool name_char_b(int c) {
        return is_name_char(c);
}

static bool token_char(int c) {
        return isalnum(c) || c == '_' || c == '-';
}

/* Tries every pattern at i; returns the end of a match (a reference was
 * added) or i when nothing matched. */
static size_t match_at(struct scan *sc, size_t i) {
        static const struct {
                const char *prefix;
                enum cc_kind kind;
        } links[] = {
                { "/dev/disk/by-uuid/", CC_BY_UUID },   { "/dev/disk/by-partuuid/", CC_BY_PARTUUID },
                { "/dev/disk/by-label/", CC_BY_LABEL }, { "/dev/disk/by-id/", CC_BY_ID },
                { "/dev/disk/by-path/", CC_BY_PATH },
        }, tags[] = {
                { "PARTUUID=", CC_TAG_PARTUUID }, { "UUID=", CC_TAG_UUID }, { "LABEL=", CC_TAG_LABEL },
        };
        const char *s = sc->s;
        size_t len = sc->len, j;
        int prev = i > 0 ? (unsigned char) s[i - 1] : 0;

        if (s[i] == '/' && !(is_word(prev) || prev == '/' || prev == '.' || prev == '-')) {
                for (size_t k = 0; k < ELEMENTSOF(links); k++) {
                        size_t pl = strlen(links[k].prefix);
                        if (len - i < pl || strncmp(s + i, links[k].prefix, pl) != 0)
                                continue;
                        j = span(s, i + pl, len, name_char_b);
                        /* "${uuid}" and other interpolations: not checkable */
                        if (j == i + pl || (j < len && s[j] == '$'))
                                return j;
                        add_ref(sc, i, j, links[k].kind, pl);
                        return j;
                }
                if (len - i > 5 && strncmp(s + i, "/dev/", 5) == 0) {
                        size_t n = devname_len(s, i + 5, len);
                        j = i + 5 + n;
                        if (n > 0 && !(j < len && (is_word((unsigned char) s[j]) || s[j] == '$'))) {
                                add_ref(sc, i, j, CC_DEVNAME, 5);
                                return j;
                        }
                }
                return i;
        }
        if (isupper((unsigned char) s[i]) && !is_word(prev)) {
                for (size_t k = 0; k < ELEMENTSOF(tags); k++) {
                        size_t pl = strlen(tags[k].prefix);
                        if (len - i < pl || strncmp(s + i, tags[k].prefix, pl) != 0)
                                continue;
                        j = span(s, i + pl, len, name_char_b);
                        if (j == i + pl || (j < len && s[j] == '$'))
                                return i + pl;
                        add_ref(sc, i, j, tags[k].kind, pl);
                        return j;
                }
        }
        if ((isupper((unsigned char) s[i]) || isdigit((unsigned char) s[i])) && !token_char(prev)) {
                _cleanup_free_ char *tok = NULL;
                j = span(s, i, len, token_char);
                if (j - i > 64)
                        return j;
                tok = xstrndup(s + i, j - i);
                if (cc_is_placeholder(tok)) {
                        add_ref(sc, i, j, CC_PLACEHOLDER, 0);
                        return j;
                }
                return j; /* the rest of the token cannot start another match */
        }
        if (s[i] == '<') {
                size_t k = i + 1;
                while (k < len && k - i < 42 && (isalnum((unsigned char) s[k]) || strchr("_- ", s[k])) && s[k])
                        k++;
                if (k < len && s[k] == '>') {
                        _cleanup_free_ char *tok = xstrndup(s + i, k + 1 - i);
                        if (cc_is_placeholder(tok)) {
                                add_ref(sc, i, k + 1, CC_PLACEHOLDER, 0);
                                return k + 1;
                        }
                }
        }
        return i;
}

/* A quoted absolute path at i: fileSystems."/boot" or "/boot" = { opens
 * a mount point context. Returns the end of the string, or i. */
static size_t context_at(struct scan *sc, size_t i) {
        const char *s = sc->s;
        size_t j = i + 1, k;
        bool dotted = i >= 12 && strncmp(s + i - 12, "fileSystems.", 12) == 0;

        if (j >= sc->len || s[j] != '/')
                return i;
        while (j < sc->len && s[j] != '"' && s[j] != '\n')
                j++;
        if (j >= sc->len || s[j] != '"')
                return i;
        k = j + 1;
        while (k < sc->len && (s[k] == ' ' || s[k] == '\t'))
                k++;
        if (k < sc->len && (s[k] == '=' || s[k] == '.')) {
                bool block = false;
                size_t m = k + 1;
                if (s[k] == '=') {
                        while (m < sc->len && (s[m] == ' ' || s[m] == '\t'))
                                m++;
                        block = m < sc->len && s[m] == '{';
                        if (!block && !dotted)
                                return i; /* mountpoint = "/boot"; is disko's, not a block */
                }
                if (sc->n_ctx < CTX_DEPTH_MAX) {
                        struct ctx_entry *e = &sc->ctx[sc->n_ctx++];
                        e->mp = xstrndup(s + i + 1, j - i - 1);
                        e->depth = sc->depth;
                        e->line = sc->line;
                        e->block = block;
                }
                return j;
        }
        return i;
}

int cc_find_refs(const char *text, size_t len, struct cc_ref **ret, size_t *ret_n) {
        struct scan sc = { .s = text, .len = len, .line = 1 };
        bool line_start = true;

        for (size_t i = 0; i < len;) {
                size_t e;
                if (line_start) {
                        size_t eol = i;
                        while (eol < len && text[eol] != '\n')
                                eol++;
                        free(sc.fstab_mp);
                        sc.fstab_mp = memchr(text + i, '\0', eol - i) ? NULL : fstab_mountpoint(text + i, eol - i);
                        line_start = false;
                        ctx_pop_to(&sc);
                }
                switch (text[i]) {
                case '\n':
                        sc.line++;
                        sc.line_start = i + 1;
                        line_start = true;
                        i++;
                        continue;
                case '{':
                        sc.depth++;
                        i++;
                        continue;
                case '}':
                        if (sc.depth > 0)
                                sc.depth--;
                        ctx_pop_to(&sc);
                        i++;
                        continue;
                case '"':
                        e = context_at(&sc, i);
                        if (e != i) {
                                i = e + 1;
                                continue;
                        }
                        break;
                default:
                        break;
                }
                e = match_at(&sc, i);
                i = e > i ? e : i + 1;
        }
        free(sc.fstab_mp);
        for (size_t k = 0; k < sc.n_ctx; k++)
                free(sc.ctx[k].mp);
        *ret = sc.refs;
        *ret_n = sc.n_refs;
        return 0;
}

void cc_refs_free(struct cc_ref *refs, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(refs[i].text);
                free(refs[i].name);
                free(refs[i].mountpoint);
        }
        free(refs);
}
