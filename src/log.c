/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum log_level max_level = LOG_NOTICE;

void log_set_level(enum log_level l) {
        max_level = l;
}

enum log_level log_get_level(void) {
        return max_level;
}

/* Expands %m to strerror(error) ourselves: glibc's %m uses errno, and the
 * error we report is often not the current errno. */
static void expand_m(char *out, size_t n, const char *fmt, int error) {
        const char *msg = strerror(error > 0 ? error : -error);
        size_t o = 0;

        for (const char *p = fmt; *p && o + 1 < n; p++) {
                if (p[0] == '%' && p[1] == 'm') {
                        size_t l = strlen(msg);
                        if (o + l >= n)
                                l = n - o - 1;
                        memcpy(out + o, msg, l);
                        o += l;
                        p++;
                } else if (p[0] == '%' && p[1] == '%') {
                        if (o + 2 >= n)
                                break;
                        out[o++] = '%';
                        out[o++] = '%';
                        p++;
                } else
                        out[o++] = *p;
        }
        out[o] = '\0';
}

int log_full_errno(enum log_level level, int error, const char *fmt, ...) {
        char f[1024];
        va_list ap;

        if (level <= max_level) {
                expand_m(f, sizeof f, fmt, error);
                fputs(level == LOG_WARNING ? "vpstune: warning: " : "vpstune: ", stderr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
                va_start(ap, fmt);
                vfprintf(stderr, f, ap);
                va_end(ap);
#pragma GCC diagnostic pop
                fputc('\n', stderr);
        }
        return error > 0 ? -error : error;
}

static const char *extra_topics;

void log_set_debug_topics(const char *topics) {
        extra_topics = topics;
}

static bool topic_in(const char *e, const char *topic) {
        size_t tl = strlen(topic);

        if (!e || !*e)
                return false;
        if (strcmp(e, "all") == 0 || strcmp(e, "1") == 0)
                return true;
        for (const char *p = e; *p;) {
                size_t l = strcspn(p, ",");
                if (l == tl && strncmp(p, topic, l) == 0)
                        return true;
                p += l;
                if (*p)
                        p++;
        }
        return false;
}

bool log_debug_enabled(const char *topic) {
        return topic_in(getenv("VPSTUNE_DEBUG"), topic) || topic_in(extra_topics, topic);
}

void log_debug_topic(const char *topic, const char *fmt, ...) {
        va_list ap;

        if (!log_debug_enabled(topic))
                return;
        fprintf(stderr, "vpstune: debug(%s): ", topic);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}
