/* SPDX-License-Identifier: MIT */
/*
 * zram devices as swap (KNOWLEDGE.md "zram"). See knob.h for the composite
 * "state" value; every zram knob is journaled as that composite, since any
 * change of algorithm or size means: swapoff, reset, comp_algorithm,
 * disksize, swap header, swapon.
 *
 * Reads come from sys/block/zramN/{comp_algorithm,disksize} and proc/swaps
 * and work on a sysroot; writes need the live machine (swapon/swapoff are
 * syscalls, the swap header goes to the block device).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/swap.h>
#include <unistd.h>

#include "apply/fault.h"
#include "facts/facts.h"
#include "knobs/knob-internal.h"
#include "plan/plan-internal.h"

enum zram_field { Z_STATE, Z_ALGO, Z_DISKSIZE, Z_SWAP };

struct zram_state {
        char algo[64];
        uint64_t disksize;
        bool swap;
        bool prio_auto; /* negative priority chosen by the kernel */
        int prio;
        uint64_t used_kb; /* read only: pages in the swap */
};

static int zram_parse(const char *key, char **ret_dev, enum zram_field *ret_field) {
        _cleanup_free_ char *dev = NULL, *f = NULL;
        const char *num;
        enum zram_field field;
        int r = knob_key_split_last(key, &dev, &f);

        if (r < 0)
                return r;
        num = startswith(dev, "zram");
        if (!num || !*num || strlen(num) > 5)
                return -EINVAL;
        for (const char *p = num; *p; p++)
                if (!isdigit((unsigned char) *p))
                        return -EINVAL;
        if (streq(f, "state"))
                field = Z_STATE;
        else if (streq(f, "comp_algorithm"))
                field = Z_ALGO;
        else if (streq(f, "disksize"))
                field = Z_DISKSIZE;
        else if (streq(f, "swap"))
                field = Z_SWAP;
        else
                return -EINVAL;
        if (ret_dev)
                *ret_dev = TAKE_PTR(dev);
        if (ret_field)
                *ret_field = field;
        return 0;
}

static int zram_validate(const char *key) {
        return zram_parse(key, NULL, NULL);
}

static bool algo_is_safe(const char *a) {
        size_t n = strlen(a);
        if (n == 0 || n >= 64)
                return false;
        for (const char *p = a; *p; p++)
                if (!islower((unsigned char) *p) && !isdigit((unsigned char) *p) && *p != '-')
                        return false;
        return true;
}

/* The proc/swaps line of the device: "/dev/zram0 partition 1048572 0 100". */
static int swaps_find(struct sysroot *sr, const char *dev, struct zram_state *st) {
        _cleanup_free_ char *buf = NULL, *path = sysroot_display_path(SR_DEV, dev);
        char *save = NULL;
        int r = sysroot_read_file(sr, SR_PROC, "swaps", 0, &buf, NULL, NULL);

        st->swap = false;
        if (r == -ENOENT)
                return 0; /* no swap support: not on */
        if (r < 0)
                return r;
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                _cleanup_strv_ char **f = strv_split(line, " \t");
                int64_t prio;
                if (strv_length(f) < 5 || !streq(f[0], path))
                        continue;
                if (safe_atou64(f[3], &st->used_kb) < 0 || safe_atoi64(f[4], &prio) < 0 || prio > 32767 ||
                    prio < -32768)
                        return -EBADMSG;
                st->swap = true;
                st->prio_auto = prio < 0;
                st->prio = prio < 0 ? 0 : (int) prio;
                return 0;
        }
        return 0;
}

static int state_read(struct sysroot *sr, const char *dev, struct zram_state *st) {
        _cleanup_free_ char *rel = xasprintf("block/%s/comp_algorithm", dev), *v = NULL;
        _cleanup_free_ char *drel = xasprintf("block/%s/disksize", dev);
        char *open, *close;
        int r;

        *st = (struct zram_state) {};
        r = knob_read_attr(sr, SR_SYS, rel, &v);
        if (r < 0)
                return r;
        open = strchr(v, '[');
        close = open ? strchr(open, ']') : NULL;
        if (open && close) {
                *close = '\0';
                memmove(v, open + 1, strlen(open + 1) + 1);
        }
        if (!algo_is_safe(v))
                return -EBADMSG;
        snprintf(st->algo, sizeof st->algo, "%s", v);
        r = sysroot_read_u64(sr, SR_SYS, drel, &st->disksize);
        if (r < 0)
                return r;
        return swaps_find(sr, dev, st);
}

static char *state_format(const struct zram_state *st) {
        if (!st->swap)
                return xasprintf("algo=%s,disksize=%" PRIu64 ",swap=off", st->algo, st->disksize);
        if (st->prio_auto)
                return xasprintf("algo=%s,disksize=%" PRIu64 ",swap=on,prio=auto", st->algo, st->disksize);
        return xasprintf("algo=%s,disksize=%" PRIu64 ",swap=on,prio=%d", st->algo, st->disksize, st->prio);
}

static uint64_t page_align(uint64_t v) {
        uint64_t ps = (uint64_t) sysconf(_SC_PAGESIZE);
        return (v + ps - 1) / ps * ps;
}

static int parse_disksize(const char *v, uint64_t *ret) {
        uint64_t s;
        int r = parse_size(v, &s);
        if (r < 0)
                return r;
        if (s > (UINT64_C(1) << 50))
                return -ERANGE;
        *ret = page_align(s);
        return 0;
}

/* "off" | "on" | "100" */
static int parse_swap(const char *v, struct zram_state *st) {
        unsigned p;
        if (streq(v, "off")) {
                st->swap = false;
                return 0;
        }
        st->swap = true;
        if (streq(v, "on") || streq(v, "auto")) {
                st->prio_auto = true;
                st->prio = 0;
                return 0;
        }
        if (safe_atou(v, &p) < 0 || p > 32767)
                return -EINVAL;
        st->prio_auto = false;
        st->prio = (int) p;
        return 0;
}

static int state_parse(const char *s, struct zram_state *st) {
        _cleanup_strv_ char **parts = strv_split(s, ",");
        bool have_algo = false, have_size = false, have_swap = false;
        const char *prio = NULL;

        *st = (struct zram_state) {};
        for (char **p = parts; *p; p++) {
                const char *v;
                if ((v = startswith(*p, "algo="))) {
                        if (!algo_is_safe(v))
                                return -EINVAL;
                        snprintf(st->algo, sizeof st->algo, "%s", v);
                        have_algo = true;
                } else if ((v = startswith(*p, "disksize="))) {
                        if (parse_disksize(v, &st->disksize) < 0)
                                return -EINVAL;
                        have_size = true;
                } else if ((v = startswith(*p, "swap="))) {
                        if (!streq(v, "on") && !streq(v, "off"))
                                return -EINVAL;
                        st->swap = streq(v, "on");
                        have_swap = true;
                } else if ((v = startswith(*p, "prio=")))
                        prio = v;
                else
                        return -EINVAL;
        }
        if (!have_algo || !have_size || !have_swap)
                return -EINVAL;
        if (st->swap && parse_swap(prio ? prio : "auto", st) < 0)
                return -EINVAL;
        if (st->swap && st->disksize == 0)
                return -EINVAL; /* no swap on an uninitialised device */
        return 0;
}

/* The composite after setting one field of cur to value. */
static int apply_field(struct zram_state *st, enum zram_field field, const char *value) {
        switch (field) {
        case Z_STATE:
                return state_parse(value, st);
        case Z_ALGO:
                if (!algo_is_safe(value))
                        return -EINVAL;
                snprintf(st->algo, sizeof st->algo, "%s", value);
                return 0;
        case Z_DISKSIZE: {
                int r = parse_disksize(value, &st->disksize);
                if (r < 0)
                        return -EINVAL;
                if (st->disksize == 0)
                        st->swap = false;
                return 0;
        }
        case Z_SWAP:
                return parse_swap(value, st);
        }
        return -EINVAL;
}

static char *field_format(const struct zram_state *st, enum zram_field field) {
        switch (field) {
        case Z_ALGO:
                return xstrdup(st->algo);
        case Z_DISKSIZE:
                return xasprintf("%" PRIu64, st->disksize);
        case Z_SWAP:
                return !st->swap ? xstrdup("off") : st->prio_auto ? xstrdup("on") : xasprintf("%d", st->prio);
        case Z_STATE:
                break;
        }
        return state_format(st);
}

static int zram_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *dev = NULL;
        enum zram_field field;
        struct zram_state st;
        int r = zram_parse(key, &dev, &field);

        if (r < 0)
                return r;
        r = state_read(sr, dev, &st);
        if (r < 0)
                return r;
        *ret = field_format(&st, field);
        return 0;
}

static int zram_normalize(const char *key, const char *value, char **ret) {
        enum zram_field field;
        struct zram_state st = { .algo = "x" };
        int r = zram_parse(key, NULL, &field);

        if (r < 0)
                return r;
        if (field == Z_STATE || field == Z_SWAP)
                st.disksize = 1; /* so "swap=on" is not refused for size */
        r = apply_field(&st, field, value);
        if (r < 0)
                return r;
        *ret = field_format(&st, field);
        return 0;
}

/* union swap_header (include/linux/swap.h), version 1. */
static int write_swap_header(struct sysroot *sr, const char *dev, uint64_t disksize) {
        size_t ps = (size_t) sysconf(_SC_PAGESIZE);
        _cleanup_free_ unsigned char *page = xcalloc(1, ps);
        uint32_t version = 1, last_page, nr_bad = 0;
        ssize_t n;
        int fd, r = 0;

        if (disksize / ps < 10 || disksize / ps - 1 > UINT32_MAX)
                return -EINVAL;
        last_page = (uint32_t) (disksize / ps - 1);
        memcpy(page + 1024, &version, 4);
        memcpy(page + 1028, &last_page, 4);
        memcpy(page + 1032, &nr_bad, 4);
        if (getrandom(page + 1036, 16, 0) != 16)
                return -EIO;
        page[1036 + 6] = (unsigned char) ((page[1036 + 6] & 0x0f) | 0x40); /* UUID v4 */
        page[1036 + 8] = (unsigned char) ((page[1036 + 8] & 0x3f) | 0x80);
        memcpy(page + ps - 10, "SWAPSPACE2", 10);
        /* O_EXCL on a block device: fails with EBUSY if anything (a mount,
         * an active swap) holds it. */
        fd = sysroot_openat(sr, SR_DEV, dev, O_WRONLY | O_EXCL | O_NOCTTY, 0);
        if (fd < 0)
                return fd;
        n = pwrite(fd, page, ps, 0);
        if (n < 0)
                r = -errno;
        else if ((size_t) n != ps)
                r = -EIO;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        close(fd);
        return r;
}

static int state_write(struct sysroot *sr, const char *dev, const struct zram_state *want) {
        _cleanup_free_ char *path = sysroot_display_path(SR_DEV, dev);
        _cleanup_free_ char *reset = xasprintf("block/%s/reset", dev);
        _cleanup_free_ char *algo = xasprintf("block/%s/comp_algorithm", dev);
        _cleanup_free_ char *size = xasprintf("block/%s/disksize", dev);
        struct zram_state cur;
        bool need_reset, swap_same;
        int r;

        if (!sysroot_is_live(sr))
                return -EOPNOTSUPP;
        if (want->swap && want->disksize == 0)
                return -EINVAL;
        r = state_read(sr, dev, &cur);
        if (r < 0)
                return r;
        need_reset = !streq(cur.algo, want->algo) || cur.disksize != want->disksize;
        swap_same = cur.swap == want->swap &&
                    (!cur.swap || (cur.prio_auto == want->prio_auto && (cur.prio_auto || cur.prio == want->prio)));
        if (!need_reset && swap_same)
                return 0;
        if (cur.swap && (need_reset || !swap_same)) {
                /* swapoff pulls every swapped page back into RAM (and fails
                 * with ENOMEM if it cannot): not something to do behind the
                 * user's back. */
                if (cur.used_kb > 0 && !knob_get_force())
                        return -EBUSY;
                if (swapoff(path) < 0)
                        return -errno;
                fault_point("zram-swapoff");
        }
        if (need_reset) {
                if (cur.disksize > 0) {
                        r = sysroot_write_attr(sr, SR_SYS, reset, "1");
                        if (r < 0)
                                return r;
                        fault_point("zram-reset");
                }
                r = sysroot_write_attr(sr, SR_SYS, algo, want->algo);
                if (r < 0)
                        return r;
                if (want->disksize > 0) {
                        _cleanup_free_ char *v = xasprintf("%" PRIu64, want->disksize);
                        r = sysroot_write_attr(sr, SR_SYS, size, v);
                        if (r < 0)
                                return r;
                        fault_point("zram-disksize");
                }
        }
        if (want->swap) {
                int flags = want->prio_auto ? 0 : SWAP_FLAG_PREFER | ((want->prio << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
                /* A fresh header every time: the device may never have had
                 * one, and swap holds nothing once it is off. */
                r = write_swap_header(sr, dev, want->disksize);
                if (r < 0)
                        return r;
                fault_point("zram-mkswap");
                if (swapon(path, flags) < 0)
                        return -errno;
        }
        return 0;
}

static int zram_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *dev = NULL;
        enum zram_field field;
        struct zram_state st;
        int r;

        if (!value)
                return -EINVAL;
        r = zram_parse(key, &dev, &field);
        if (r < 0)
                return r;
        if (!sysroot_is_live(sr))
                return -EOPNOTSUPP;
        r = state_read(sr, dev, &st);
        if (r < 0)
                return r;
        r = apply_field(&st, field, value);
        if (r < 0)
                return r;
        return state_write(sr, dev, &st);
}

static int zram_snapshot_keys(const char *key, char ***ret) {
        _cleanup_free_ char *dev = NULL;
        int r = zram_parse(key, &dev, NULL);
        if (r < 0)
                return r;
        *ret = xcalloc(1, sizeof(char *));
        strv_consume(ret, xasprintf("%s:state", dev));
        return 0;
}

static char *zram_path(const struct facts *f, const char *key) {
        const char *c = strrchr(key, ':');
        _cleanup_free_ char *rel = NULL;
        (void) f;
        if (!c || streq(c, ":swap") || streq(c, ":state"))
                return NULL;
        rel = xasprintf("block/%.*s/%s", (int) (c - key), key, c + 1);
        return sysroot_display_path(SR_SYS, rel);
}

static char *zram_describe(const struct facts *f, const char *knob, const char *key, const char *path,
                           const char *want, const char *now) {
        const char *c = strrchr(key, ':');
        _cleanup_free_ char *obj = xstrndup(key, (size_t) (c - key));
        _cleanup_free_ char *dev = sysroot_display_path(SR_DEV, obj);
        bool initialised = true;

        if (streq(c, ":swap"))
                return xasprintf("would write a swap header to %s and swapon it with priority '%s' (%s, now '%s')",
                                 dev, want, knob, now);
        if (streq(c, ":state"))
                return xasprintf("would set %s up as %s in one go: algorithm, size, swap header, swapon "
                                 "(%s, now %s)", dev, want, knob, now);
        for (size_t i = 0; f && i < f->n_zram; i++)
                if (streq(f->zram[i].name, obj))
                        initialised = f->zram[i].disksize > 0;
        if (!path)
                return NULL;
        if (initialised)
                return xasprintf("would write '%s' to %s (%s, now '%s'; resets %s: swapoff, reset, redo)", want, path,
                                 knob, now, obj);
        return xasprintf("would write '%s' to %s (%s, now '%s')", want, path, knob, now);
}

static const struct knob_unit zram_units[] = {
        { "zram", plan_unit_zram, true },
        {},
};

const struct knob_kind knob_kind_zram = {
        .group = "zram",
        .grammar = "zram:zramN:comp_algorithm|disksize|swap|state",
        .summary = "zram swap devices (state = the whole device in one step)",
        .units = zram_units,
        .path = zram_path,
        .describe = zram_describe,
        .persist_to = (const char *const[]) { "zram", "nixos", NULL },
        .validate = zram_validate,
        .read = zram_read,
        .write = zram_write,
        .normalize = zram_normalize,
        .snapshot_keys = zram_snapshot_keys,
        .runtime = true,
        .persist = "zram-generator",
};
