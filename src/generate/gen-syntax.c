/* SPDX-License-Identifier: MIT */
/*
 * Nix string syntax (Nix manual, "String literals") and disko sizes: the
 * only places where generated text quotes values, so they are unit-tested.
 */
#include <ctype.h>
#include <string.h>
#include <inttypes.h>
#include <stdio.h>

#include "generate/gen-internal.h"
#include "util.h"

char *gen_nix_str(const char *s) {
        /* Worst case every byte becomes two; plus quotes and NUL. */
        char *out = xmalloc(strlen(s) * 2 + 3), *o = out;
        *o++ = '"';
        for (; *s; s++) {
                switch (*s) {
                case '"':
                case '\\':
                        *o++ = '\\';
                        *o++ = *s;
                        break;
                case '\n':
                        *o++ = '\\', *o++ = 'n';
                        break;
                case '\t':
                        *o++ = '\\', *o++ = 't';
                        break;
                case '\r':
                        *o++ = '\\', *o++ = 'r';
                        break;
                case '$':
                        /* "${" starts an antiquotation; "\$" is a literal '$'. */
                        if (s[1] == '{')
                                *o++ = '\\';
                        *o++ = '$';
                        break;
                default:
                        *o++ = *s;
                }
        }
        *o++ = '"';
        *o = '\0';
        return out;
}

char *gen_nix_indented(const char *s) {
        char *out = xmalloc(strlen(s) * 3 + 1), *o = out;
        for (; *s; s++) {
                if (s[0] == '\'' && s[1] == '\'') {
                        /* '' inside ''...'' is written ''' */
                        memcpy(o, "'''", 3);
                        o += 3;
                        s++;
                } else if (s[0] == '$' && s[1] == '{') {
                        memcpy(o, "''$", 3);
                        o += 3;
                } else
                        *o++ = *s;
        }
        *o = '\0';
        return out;
}

static bool is_identifier(const char *s) {
        if (!*s || !(isalpha((unsigned char) *s) || *s == '_'))
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char) *s) && !strchr("_'-", *s))
                        return false;
        return true;
}

char *gen_nix_attr(const char *name) {
        /* Keywords are identifiers too, but not valid bare attribute names
         * in every Nix version: quote them. */
        static const char *const keywords[] = { "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or" };
        for (size_t i = 0; i < ELEMENTSOF(keywords); i++)
                if (streq(name, keywords[i]))
                        return gen_nix_str(name);
        return is_identifier(name) ? xstrdup(name) : gen_nix_str(name);
}

char *gen_nix_value(const char *s) {
        int64_t v;
        /* Nix integers are 64-bit signed; leading zeros or '+' would change
         * the text, so only the canonical form goes bare. */
        if (safe_atoi64(s, &v) == 0) {
                char buf[32];
                snprintf(buf, sizeof(buf), "%" PRId64, v);
                if (streq(buf, s))
                        return xstrdup(s);
        }
        if (streq(s, "true") || streq(s, "false"))
                return xstrdup(s);
        return gen_nix_str(s);
}

const char *gen_disko_size(char buf[static 32], uint64_t bytes) {
        static const struct {
                char suffix;
                unsigned shift;
        } units[] = { { 'T', 40 }, { 'G', 30 }, { 'M', 20 }, { 'K', 10 } };

        if (bytes == 0) {
                snprintf(buf, 32, "0");
                return buf;
        }
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if ((bytes & ((UINT64_C(1) << units[i].shift) - 1)) == 0) {
                        snprintf(buf, 32, "%" PRIu64 "%c", bytes >> units[i].shift, units[i].suffix);
                        return buf;
                }
        /* Not a whole KiB: partitions are sector multiples, so this is a
         * partial last sector; sgdisk aligns to MiB anyway. */
        if (bytes >= (UINT64_C(1) << 20))
                snprintf(buf, 32, "%" PRIu64 "M", bytes >> 20);
        else
                snprintf(buf, 32, "%" PRIu64 "K", (bytes + 1023) >> 10);
        return buf;
}

/* POSIX shell, single quotes: nothing is special inside them but the
 * quote itself, which is written '\'' (close, escaped quote, reopen).
 * sh gives back s exactly, whatever bytes it holds (fuzz-genquote). */
char *gen_sh_quote(const char *s) {
        char *out = xmalloc(strlen(s) * 4 + 3), *o = out;

        *o++ = '\'';
        for (; *s; s++) {
                if (*s == '\'') {
                        memcpy(o, "'\\''", 4);
                        o += 4;
                } else
                        *o++ = *s;
        }
        *o++ = '\'';
        *o = '\0';
        return out;
}

/* udev rule values: udev's "..." has no escape for '"' and rules are one
 * line, so a value is written only when every byte is one a kernel name
 * or an attribute value here can hold; NULL otherwise (left out). */
char *gen_udev_value(const char *s) {
        if (!s || !*s || strlen(s) > 255)
                return NULL;
        for (const char *p = s; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("_-.:+@/=,[] ", *p))
                        return NULL;
        return xasprintf("\"%s\"", s);
}

/* Text for a one-line comment: control bytes (a newline would end the
 * comment and start a rule or a command) become '?'. */
char *gen_one_line(const char *s) {
        char *out = xstrdup(s ? s : "");
        for (unsigned char *p = (unsigned char *) out; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        *p = '?';
        return out;
}
