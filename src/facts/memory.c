/* SPDX-License-Identifier: MIT */
/*
 * Memory facts: /proc/meminfo, /proc/swaps and zram devices.
 *
 * zram devices are found under /sys/block (where the block collector sees
 * them too, as disks with transport zram) but their swap-related state is
 * read here, because what the planner asks about zram is memory: how big,
 * which compressor, is it swap, and what does it really cost (mm_stat).
 */
#include "facts/facts.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "log.h"
#include "util.h"

/* MAX_SWAPFILES is 32 or less; more entries than this is garbage. */
#define SWAPS_MAX 1024
/* Kernel lines are short; a longer one is garbage and is skipped. */
#define LINE_MAX_LEN 4096
#define ZRAM_MAX 1024

/* Copies the next line (without '\n') into buf; returns the position after
 * it, or NULL at the end. Overlong lines come back empty-flagged. */
static const char *next_line(const char *p, char *buf, size_t size, bool *ret_too_long) {
        const char *eol;
        size_t len;

        if (!*p)
                return NULL;
        eol = strchr(p, '\n');
        len = eol ? (size_t) (eol - p) : strlen(p);
        *ret_too_long = len >= size;
        if (!*ret_too_long) {
                memcpy(buf, p, len);
                buf[len] = '\0';
        } else
                buf[0] = '\0';
        return eol ? eol + 1 : p + len;
}

/* "24684096 kB" → bytes; a plain number is bytes already. */
static int parse_meminfo_value(const char *s, uint64_t *ret) {
        _cleanup_free_ char *copy = xstrdup(s);
        char *v = strstrip(copy), *unit;
        uint64_t n, mul = 1;
        int r;

        unit = strchr(v, ' ');
        if (unit) {
                *unit++ = '\0';
                unit = strstrip(unit);
                if (streq(unit, "kB"))
                        mul = 1024;
                else
                        return -EINVAL;
        }
        r = safe_atou64(v, &n);
        if (r < 0)
                return r;
        if (n > UINT64_MAX / mul)
                return -ERANGE;
        *ret = n * mul;
        return 0;
}

int facts_parse_meminfo(const char *text, struct mem_facts *ret) {
        static const struct {
                const char *key;
                size_t offset;
        } keys[] = {
                { "MemTotal", offsetof(struct mem_facts, total_bytes) },
                { "MemAvailable", offsetof(struct mem_facts, available_bytes) },
                { "SwapTotal", offsetof(struct mem_facts, swap_total_bytes) },
                { "SwapFree", offsetof(struct mem_facts, swap_free_bytes) },
        };
        struct mem_facts m = {};
        char line[256];
        bool found = false, too_long;

        if (!text)
                return -EINVAL;
        for (const char *p = text; (p = next_line(p, line, sizeof line, &too_long));) {
                char *colon = strchr(line, ':');
                uint64_t v;

                if (too_long || !colon)
                        continue;
                *colon = '\0';
                for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                        if (!streq(line, keys[i].key))
                                continue;
                        /* Garbage in one value leaves that field unknown. */
                        if (parse_meminfo_value(colon + 1, &v) >= 0) {
                                *(uint64_t *) ((char *) &m + keys[i].offset) = v;
                                found = true;
                        }
                }
        }
        if (!found)
                return -EINVAL;
        *ret = m;
        return 0;
}

/* /proc/swaps escapes space, tab, newline and backslash as \ooo (seq_file
 * mangle_path); undo that for the file name. */
static char *unescape_octal(const char *s) {
        char *r = xmalloc(strlen(s) + 1), *o = r;

        while (*s) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        char c = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
                        /* A NUL would cut the name: keep the escape as is. */
                        if (c != '\0') {
                                *o++ = c;
                                s += 4;
                                continue;
                        }
                }
                *o++ = *s++;
        }
        *o = '\0';
        return r;
}

static int parse_swap_line(char *line, struct swap_entry *ret) {
        char *fields[6];
        size_t n = 0;
        uint64_t size_kib, used_kib;
        char *save = NULL;
        int prio;

        for (char *tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
                if (n == ELEMENTSOF(fields))
                        return -EINVAL;
                fields[n++] = tok;
        }
        if (n != 5)
                return -EINVAL;
        if (fields[0][0] != '/')
                return -EINVAL;
        if (safe_atou64(fields[2], &size_kib) < 0 || safe_atou64(fields[3], &used_kib) < 0 ||
            safe_atoi(fields[4], &prio) < 0)
                return -EINVAL;
        if (size_kib > UINT64_MAX / 1024 || used_kib > UINT64_MAX / 1024)
                return -ERANGE;
        *ret = (struct swap_entry) {
                .filename = unescape_octal(fields[0]),
                .type = xstrdup(fields[1]),
                .size_bytes = size_kib * 1024,
                .used_bytes = used_kib * 1024,
                .priority = prio,
        };
        return 0;
}

int facts_parse_swaps(const char *text, struct swap_entry **ret, size_t *ret_n) {
        struct swap_entry *l = NULL;
        size_t n = 0;
        bool header = false, too_long;
        char line[LINE_MAX_LEN];

        if (!text)
                return -EINVAL;
        for (const char *p = text; (p = next_line(p, line, sizeof line, &too_long));) {
                struct swap_entry e;
                char *s = strstrip(line);

                if (too_long || !*s)
                        continue;
                if (startswith(s, "Filename")) {
                        header = true;
                        continue;
                }
                /* Lines that do not parse are skipped: one garbage line must
                 * not hide the real swap devices. */
                if (parse_swap_line(s, &e) < 0)
                        continue;
                if (n >= SWAPS_MAX) {
                        swap_entry_done(&e);
                        break;
                }
                *(struct swap_entry *) array_grow(&l, &n, sizeof *l) = e;
        }
        if (!header && n == 0 && *text) {
                free(l);
                return -EINVAL;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

int facts_parse_mm_stat(const char *text, struct zram_facts *z) {
        /* In kernel order (Documentation/admin-guide/blockdev/zram.rst).
         * Older kernels print 7 fields; huge_pages and then
         * huge_pages_since were appended later, so 7 to 9 are all real. */
        static const size_t offsets[] = {
                offsetof(struct zram_facts, orig_data_size),
                offsetof(struct zram_facts, compr_data_size),
                offsetof(struct zram_facts, mem_used_total),
                offsetof(struct zram_facts, mem_limit),
                offsetof(struct zram_facts, mem_used_max),
                offsetof(struct zram_facts, same_pages),
                offsetof(struct zram_facts, pages_compacted),
                offsetof(struct zram_facts, huge_pages),
        };
        uint64_t v[ELEMENTSOF(offsets)] = {};
        const char *p = text;
        size_t n = 0;

        if (!text)
                return -EINVAL;
        for (;;) {
                char buf[32];
                size_t l;

                p += strspn(p, " \t\r\n");
                if (!*p)
                        break;
                l = strcspn(p, " \t\r\n");
                if (l >= sizeof buf)
                        return -EINVAL;
                memcpy(buf, p, l);
                buf[l] = '\0';
                p += l;
                /* Fields after huge_pages (huge_pages_since, and whatever
                 * later kernels add) are checked but not kept. */
                if (n < ELEMENTSOF(v)) {
                        if (safe_atou64(buf, &v[n]) < 0)
                                return -EINVAL;
                } else {
                        uint64_t ignored;
                        if (safe_atou64(buf, &ignored) < 0 || n >= 16)
                                return -EINVAL;
                }
                n++;
        }
        if (n < 7)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(offsets); i++)
                *(uint64_t *) ((char *) z + offsets[i]) = v[i];
        z->have_mm_stat = true;
        return 0;
}

static void warn_read(struct facts *f, enum sr_base base, const char *rel, int r) {
        _cleanup_free_ char *p = sysroot_display_path(base, rel);
        facts_warn(f, "cannot read '%s': %s", p, strerror(-r));
}

static void warn_garbage(struct facts *f, enum sr_base base, const char *rel) {
        _cleanup_free_ char *p = sysroot_display_path(base, rel);
        facts_warn(f, "'%s': unexpected content, ignored", p);
}

static void collect_meminfo(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = sysroot_read_file(sr, SR_PROC, "meminfo", 0, &text, NULL, NULL);
        if (r == -ENOENT)
                return;
        if (r < 0) {
                warn_read(f, SR_PROC, "meminfo", r);
                return;
        }
        if (facts_parse_meminfo(text, &f->mem) < 0 || f->mem.total_bytes == 0)
                warn_garbage(f, SR_PROC, "meminfo");
}

static void collect_swaps(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = sysroot_read_file(sr, SR_PROC, "swaps", 0, &text, NULL, NULL);
        if (r == -ENOENT)
                return;
        if (r < 0) {
                warn_read(f, SR_PROC, "swaps", r);
                return;
        }
        if (facts_parse_swaps(text, &f->swaps, &f->n_swaps) < 0)
                warn_garbage(f, SR_PROC, "swaps");
}

static bool is_zram_name(const char *s) {
        const char *n = startswith(s, "zram");

        if (!n || !*n)
                return false;
        for (; *n; n++)
                if (*n < '0' || *n > '9')
                        return false;
        return true;
}

static void collect_zram_one(struct sysroot *sr, struct facts *f, struct zram_facts *z) {
        _cleanup_free_ char *dev = sysroot_display_path(SR_DEV, z->name);
        _cleanup_free_ char *rel = NULL;
        _cleanup_free_ char *line = NULL;
        _cleanup_free_ char *text = NULL;
        int r;

        rel = xasprintf("block/%s/disksize", z->name);
        r = sysroot_read_u64(sr, SR_SYS, rel, &z->disksize);
        if (r == -EINVAL || r == -ERANGE)
                warn_garbage(f, SR_SYS, rel);
        else if (r < 0 && r != -ENOENT)
                warn_read(f, SR_SYS, rel, r);

        free(rel);
        rel = xasprintf("block/%s/comp_algorithm", z->name);
        r = sysroot_read_line(sr, SR_SYS, rel, &line);
        if (r >= 0) {
                /* Same "a [b] c" format as the block queue scheduler. */
                if (facts_parse_scheduler(line, &z->algorithm, &z->algorithms) < 0)
                        warn_garbage(f, SR_SYS, rel);
        } else if (r != -ENOENT)
                warn_read(f, SR_SYS, rel, r);

        free(rel);
        rel = xasprintf("block/%s/mm_stat", z->name);
        r = sysroot_read_file(sr, SR_SYS, rel, 4096, &text, NULL, NULL);
        if (r >= 0) {
                if (facts_parse_mm_stat(text, z) < 0)
                        warn_garbage(f, SR_SYS, rel);
        } else if (r != -ENOENT)
                warn_read(f, SR_SYS, rel, r);

        for (size_t i = 0; i < f->n_swaps; i++)
                if (f->swaps[i].filename && streq(f->swaps[i].filename, dev)) {
                        z->swap_active = true;
                        z->swap_priority = f->swaps[i].priority;
                        break;
                }

        log_debug_topic("memory", "%s: disksize=%" PRIu64 " algorithm=%s mm_stat=%s swap=%s",
                        z->name, z->disksize, strna(z->algorithm), z->have_mm_stat ? "yes" : "no",
                        z->swap_active ? "active" : "no");
}

static void collect_zram(struct sysroot *sr, struct facts *f) {
        _cleanup_strv_ char **names = NULL;
        int r;

        /* facts_gather() has listed sys/block already (disks come first):
         * take the zram names from there instead of listing it again. */
        if (f->n_disks > 0) {
                for (size_t i = 0; i < f->n_disks; i++)
                        if (is_zram_name(f->disks[i].name))
                                strv_push(&names, f->disks[i].name);
                if (!names)
                        return;
        } else {
                r = sysroot_list_dir(sr, SR_SYS, "block", &names);
                if (r < 0) {
                        if (r != -ENOENT)
                                warn_read(f, SR_SYS, "block", r);
                        return;
                }
        }
        for (char **n = names; *n; n++) {
                struct zram_facts *z;

                if (!is_zram_name(*n))
                        continue;
                if (f->n_zram >= ZRAM_MAX)
                        break;
                z = array_grow(&f->zram, &f->n_zram, sizeof *f->zram);
                z->name = xstrdup(*n);
                collect_zram_one(sr, f, z);
        }
}

void facts_collect_memory(struct sysroot *sr, struct facts *f) {
        collect_meminfo(sr, f);
        collect_swaps(sr, f);
        collect_zram(sr, f);
        log_debug_topic("memory", "total=%" PRIu64 " available=%" PRIu64 " swap=%" PRIu64 " swaps=%zu zram=%zu",
                        f->mem.total_bytes, f->mem.available_bytes, f->mem.swap_total_bytes,
                        f->n_swaps, f->n_zram);
}
