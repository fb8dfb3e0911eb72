/* SPDX-License-Identifier: MIT */
/*
 * Matching helpers: TuneD's devices= rules (hardware/device_matcher.py),
 * Python-style regexes on POSIX ERE, and the StrictModes owner check.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile/profile-internal.h"

bool profile_devices_match(const char *devices, const char *devname) {
        bool have_positive = false, matches = false;
        const char *p;

        if (!devices)
                return true;
        /* re.split(r"\s|,\s*", rules): a rule ends at one whitespace or at a
         * comma that eats the whitespace after it */
        for (int pass = 0; pass < 2; pass++) {
                for (p = devices;;) {
                        size_t n = strcspn(p, " \t\n\r\f\v,");
                        _cleanup_free_ char *rule = xstrndup(p, n);
                        bool negative = rule[0] == '!' || rule[0] == '\0';
                        if (pass == 0 && !negative) {
                                have_positive = true;
                                if (!matches && fnmatch(rule, devname, FNM_NOESCAPE) == 0)
                                        matches = true;
                        } else if (pass == 1 && negative && rule[0] == '!' &&
                                   fnmatch(rule + 1, devname, FNM_NOESCAPE) == 0)
                                return false;
                        p += n;
                        if (!*p)
                                break;
                        if (*p == ',') {
                                p++;
                                while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
                                       *p == '\v')
                                        p++;
                        } else
                                p++;
                }
                if (pass == 0 && !have_positive)
                        matches = true; /* implicit "*" */
        }
        return matches;
}

/* Python re → POSIX ERE (glibc keeps \s \S \w \W \b \B as extensions).
 * glibc's regcomp copies the tree for '+' and {m,n}, so stacked or many of
 * them blow up memory: a repeat right after a repeat is an error (Python
 * < 3.11 says "multiple repeat" too), at most two {m,n} and twelve '+', and
 * no backreferences (exponential matching). */
static int translate_regex(const char *in, char **ret, char **ret_error) {
        struct sbuf b = {};
        unsigned braces = 0, pluses = 0;
        bool last_quant = false;
        for (size_t i = 0; in[i];) {
                char c = in[i];
                bool quant = c == '*' || c == '+' || c == '?' || c == '{';
                const char *why = NULL;
                if (quant && last_quant && !(c == '?' && i > 0 && in[i - 1] != '?'))
                        why = "multiple repeat";
                else if (c == '{' && ++braces > 2)
                        why = "more than two {m,n} repetitions";
                else if (c == '+' && ++pluses > 12)
                        why = "more than twelve '+' repetitions";
                if (why) {
                        sbuf_done(&b);
                        *ret_error = xstrdup(why);
                        return -EINVAL;
                }
                last_quant = quant || (c == '}' && braces > 0);
                if (c == '\\' && in[i + 1] >= '1' && in[i + 1] <= '9') {
                        sbuf_done(&b);
                        *ret_error = xstrdup("backreferences are not supported");
                        return -EINVAL;
                }
                if (c == '\\') {
                        char d = in[i + 1];
                        if (!d) {
                                sbuf_done(&b);
                                *ret_error = xstrdup("trailing backslash");
                                return -EINVAL;
                        }
                        if (d == 'd')
                                sbuf_puts(&b, "[0-9]");
                        else if (d == 'D')
                                sbuf_puts(&b, "[^0-9]");
                        else if (d == 'n')
                                sbuf_putc(&b, '\n');
                        else if (d == 't')
                                sbuf_putc(&b, '\t');
                        else {
                                sbuf_putc(&b, '\\');
                                sbuf_putc(&b, d);
                        }
                        i += 2;
                } else if (c == '[') {
                        /* collect the class, re-emit in POSIX order: ']' first, '-' last */
                        struct sbuf items = {};
                        bool neg = false, rb = false, dash = false, caret = false, lbrack = false;
                        size_t j = i + 1;
                        if (in[j] == '^')
                                neg = true, j++;
                        if (in[j] == ']')
                                rb = true, j++;
                        for (;;) {
                                char e = in[j];
                                if (!e) {
                                        sbuf_done(&items);
                                        sbuf_done(&b);
                                        *ret_error = xstrdup("unterminated character set");
                                        return -EINVAL;
                                }
                                if (e == ']')
                                        break;
                                if (e == '\\' && in[j + 1]) {
                                        char d = in[j + 1];
                                        j += 2;
                                        if (d == 'd')
                                                sbuf_puts(&items, "0-9");
                                        else if (d == 's')
                                                sbuf_puts(&items, "[:space:]");
                                        else if (d == 'w')
                                                sbuf_puts(&items, "[:alnum:]_");
                                        else if (d == 'n')
                                                sbuf_putc(&items, '\n');
                                        else if (d == 't')
                                                sbuf_putc(&items, '\t');
                                        else if (d == ']')
                                                rb = true;
                                        else if (d == '-')
                                                dash = true;
                                        else if (d == '^')
                                                caret = true;
                                        else
                                                sbuf_putc(&items, d);
                                        continue;
                                }
                                if (in[j + 1] == '-' && in[j + 2] && in[j + 2] != ']' && in[j + 2] != '\\') {
                                        sbuf_putn(&items, in + j, 3);
                                        j += 3;
                                        continue;
                                }
                                if (e == '-')
                                        dash = true;
                                else if (e == '^')
                                        caret = true;
                                else if (e == '[')
                                        lbrack = true; /* emitted last: "[:" must not start a POSIX class */
                                else
                                        sbuf_putc(&items, e);
                                j++;
                        }
                        sbuf_putc(&b, '[');
                        if (neg)
                                sbuf_putc(&b, '^');
                        if (rb)
                                sbuf_putc(&b, ']');
                        if (items.s)
                                sbuf_puts(&b, items.s);
                        if (lbrack)
                                sbuf_putc(&b, '[');
                        if (caret)
                                sbuf_putc(&b, '^');
                        if (dash)
                                sbuf_putc(&b, '-');
                        sbuf_putc(&b, ']');
                        sbuf_done(&items);
                        i = j + 1;
                } else if (c == '(' && in[i + 1] == '?') {
                        if (in[i + 2] != ':') {
                                sbuf_done(&b);
                                *ret_error = xstrdup("'(?' constructs other than '(?:' are not supported");
                                return -EINVAL;
                        }
                        sbuf_putc(&b, '(');
                        i += 3;
                } else if ((c == '*' || c == '+' || c == '?' || c == '}') && in[i + 1] == '?') {
                        /* lazy quantifier: same matches for a search */
                        sbuf_putc(&b, c);
                        i += 2;
                } else {
                        sbuf_putc(&b, c);
                        i++;
                }
        }
        *ret = sbuf_take(&b);
        return 0;
}

int profile_regex_search(const char *regex, const char *text, bool multiline, bool *ret_match,
                         char **ret_error) {
        _cleanup_free_ char *ere = NULL;
        char *err = NULL;
        regex_t re;
        int r;

        if (strlen(regex) > 4096) {
                if (ret_error)
                        *ret_error = xstrdup("regular expression longer than 4096 bytes");
                return -EINVAL;
        }
        r = translate_regex(regex, &ere, &err);
        if (r < 0) {
                if (ret_error)
                        *ret_error = xasprintf("regular expression '%s': %s", regex, err);
                free(err);
                return r;
        }
        r = regcomp(&re, ere, REG_EXTENDED | REG_NOSUB | (multiline ? REG_NEWLINE : 0));
        if (r != 0) {
                char buf[128];
                regerror(r, &re, buf, sizeof(buf));
                if (ret_error)
                        *ret_error = xasprintf("regular expression '%s': %s", regex, buf);
                return -EINVAL;
        }
        *ret_match = regexec(&re, text, 0, NULL, 0) == 0;
        regfree(&re);
        return 0;
}

int profile_check_file_owner(const char *path, int fd, char **ret_error) {
        struct stat st;
        if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) < 0) {
                int r = -errno;
                if (ret_error)
                        *ret_error = xasprintf("%s: %s", path, strerror(errno));
                return r;
        }
        if (st.st_uid != 0) {
                if (ret_error)
                        *ret_error = xasprintf("%s: owned by uid %u, not root (use --insecure-profile to accept)",
                                               path, (unsigned) st.st_uid);
                return -EPERM;
        }
        if (st.st_mode & (S_IWGRP | S_IWOTH)) {
                if (ret_error)
                        *ret_error = xasprintf("%s: writable by group or others (mode %04o; use "
                                               "--insecure-profile to accept)",
                                               path, (unsigned) (st.st_mode & 07777));
                return -EPERM;
        }
        return 0;
}
