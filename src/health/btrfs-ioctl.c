/* SPDX-License-Identifier: MIT */
/*
 * What only the live filesystem can tell, by BTRFS_IOC_TREE_SEARCH_V2 (needs
 * CAP_SYS_ADMIN; callers check sysroot_is_live() and open the mountpoint
 * through the sysroot):
 *
 *  - data block groups with their used bytes (chunk tree for the list, the
 *    block group item of each in the extent tree): what -dusage=N would
 *    relocate and how much it would free;
 *  - compsize's measure: every EXTENT_DATA item of every subvolume tree,
 *    each extent counted once by its disk address: uncompressed (ram_bytes)
 *    vs on-disk (disk_num_bytes) bytes, within a time budget.
 *
 * The search key bounds are a range of (objectid, type, offset) tuples, not
 * per-field filters, so items of other types come back and are skipped.
 */
#include <errno.h>
#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "health/btrfs-ioctl.h"
#include "util.h"

#define SEARCH_BUF (256 * 1024)

struct search {
        struct btrfs_ioctl_search_args_v2 *args;
        size_t off, left;
        bool done;
        /* The kernel packs headers at any byte offset of buf: each is copied
         * out here, aligned, rather than read in place (UBSan). */
        struct btrfs_ioctl_search_header hdr;
};

static void search_init(struct search *s, uint64_t tree, uint64_t min_obj, uint64_t max_obj, uint32_t min_type,
                        uint32_t max_type, uint64_t min_off, uint64_t max_off) {
        s->args = xcalloc(1, sizeof *s->args + SEARCH_BUF);
        s->args->key = (struct btrfs_ioctl_search_key) {
                .tree_id = tree, .min_objectid = min_obj, .max_objectid = max_obj,
                .min_type = min_type, .max_type = max_type, .min_offset = min_off, .max_offset = max_off,
                .min_transid = 0, .max_transid = UINT64_MAX,
        };
        s->off = s->left = 0;
        s->done = false;
}

/* Next item: 1 with *h and *data set, 0 at the end, negative errno. */
static int search_next(int fd, struct search *s, const struct btrfs_ioctl_search_header **h, const void **data) {
        if (s->left == 0) {
                if (s->done)
                        return 0;
                s->args->key.nr_items = UINT32_MAX;
                s->args->buf_size = SEARCH_BUF;
                if (ioctl(fd, BTRFS_IOC_TREE_SEARCH_V2, s->args) < 0)
                        return -errno;
                s->left = s->args->key.nr_items;
                s->off = 0;
                if (s->left == 0) {
                        s->done = true;
                        return 0;
                }
        }
        {
                const struct btrfs_ioctl_search_header *hh = &s->hdr;
                struct btrfs_ioctl_search_key *k = &s->args->key;
                memcpy(&s->hdr, s->args->buf + s->off, sizeof s->hdr);
                *h = hh;
                *data = s->args->buf + s->off + sizeof *hh;
                s->off += sizeof *hh + hh->len;
                s->left--;
                if (s->left == 0) {
                        /* continue after the last key returned */
                        k->min_objectid = hh->objectid;
                        k->min_type = hh->type;
                        k->min_offset = hh->offset;
                        if (k->min_offset < UINT64_MAX)
                                k->min_offset++;
                        else if (k->min_type < UINT8_MAX)
                                k->min_type++, k->min_offset = 0;
                        else if (k->min_objectid < k->max_objectid)
                                k->min_objectid++, k->min_type = 0, k->min_offset = 0;
                        else
                                s->done = true;
                }
        }
        return 1;
}

static void search_done(struct search *s) {
        free(s->args);
        s->args = NULL;
}

static uint64_t get64(const void *p, size_t off) {
        uint64_t v;
        memcpy(&v, (const char *) p + off, sizeof v);
        return v; /* little-endian host assumed, as btrfs-progs' compsize does on x86/arm */
}

int health_btrfs_data_block_groups(int fd, struct health_bg **ret, size_t *ret_n) {
        struct health_bg *bg = NULL;
        size_t n = 0;
        struct search s;
        const struct btrfs_ioctl_search_header *h;
        const void *d;
        int r;

        search_init(&s, BTRFS_CHUNK_TREE_OBJECTID, BTRFS_FIRST_CHUNK_TREE_OBJECTID, BTRFS_FIRST_CHUNK_TREE_OBJECTID,
                    BTRFS_CHUNK_ITEM_KEY, BTRFS_CHUNK_ITEM_KEY, 0, UINT64_MAX);
        while ((r = search_next(fd, &s, &h, &d)) > 0) {
                if (h->type != BTRFS_CHUNK_ITEM_KEY || h->len < sizeof(struct btrfs_chunk))
                        continue;
                if (!(get64(d, offsetof(struct btrfs_chunk, type)) & BTRFS_BLOCK_GROUP_DATA))
                        continue;
                struct health_bg *b = array_grow(&bg, &n, sizeof *b);
                b->start = h->offset;
                b->length = get64(d, offsetof(struct btrfs_chunk, length));
        }
        search_done(&s);
        if (r < 0) {
                free(bg);
                return r;
        }
        for (size_t i = 0; i < n; i++) {
                bool found = false;
                /* block-group-tree filesystems (6.1+) keep them in tree 11 */
                static const uint64_t trees[] = { BTRFS_EXTENT_TREE_OBJECTID, BTRFS_BLOCK_GROUP_TREE_OBJECTID };
                for (size_t t = 0; t < ELEMENTSOF(trees) && !found; t++) {
                        search_init(&s, trees[t], bg[i].start, bg[i].start, BTRFS_BLOCK_GROUP_ITEM_KEY,
                                    BTRFS_BLOCK_GROUP_ITEM_KEY, bg[i].length, bg[i].length);
                        while ((r = search_next(fd, &s, &h, &d)) > 0)
                                if (h->type == BTRFS_BLOCK_GROUP_ITEM_KEY && h->objectid == bg[i].start &&
                                    h->len >= sizeof(struct btrfs_block_group_item)) {
                                        bg[i].used = get64(d, offsetof(struct btrfs_block_group_item, used));
                                        found = true;
                                }
                        search_done(&s);
                        if (r < 0 && r != -ENOENT) {
                                free(bg);
                                return r;
                        }
                }
                if (!found) {
                        free(bg);
                        return -ENODATA;
                }
        }
        *ret = bg;
        *ret_n = n;
        return 0;
}

/* ---- compsize ---- */

struct u64set {
        uint64_t *v;
        size_t cap, n;
};

static uint64_t mix(uint64_t x) {
        x ^= x >> 33;
        x *= UINT64_C(0xff51afd7ed558ccd);
        x ^= x >> 33;
        return x;
}

/* 1 if inserted, 0 if present. 0 is never stored (holes). */
static int set_add(struct u64set *s, uint64_t key) {
        if (2 * (s->n + 1) > s->cap) {
                struct u64set g = { .cap = s->cap ? 2 * s->cap : 4096 };
                g.v = xcalloc(g.cap, sizeof *g.v);
                for (size_t i = 0; i < s->cap; i++)
                        if (s->v[i])
                                set_add(&g, s->v[i]);
                free(s->v);
                *s = g;
        }
        for (size_t i = mix(key) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
                if (s->v[i] == key)
                        return 0;
                if (!s->v[i]) {
                        s->v[i] = key;
                        s->n++;
                        return 1;
                }
        }
}

static double now_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

#define FE_HEADER offsetof(struct btrfs_file_extent_item, disk_bytenr) /* 21: inline data follows */

int health_btrfs_compsize(int fd, double budget_s, struct health_compsize *ret) {
        struct health_compsize c = {};
        struct u64set seen = {};
        uint64_t *roots = NULL;
        size_t n_roots = 0;
        struct search s;
        const struct btrfs_ioctl_search_header *h;
        const void *d;
        double start = now_s();
        int r;

        *(uint64_t *) array_grow(&roots, &n_roots, sizeof *roots) = BTRFS_FS_TREE_OBJECTID;
        search_init(&s, BTRFS_ROOT_TREE_OBJECTID, BTRFS_FIRST_FREE_OBJECTID, BTRFS_LAST_FREE_OBJECTID,
                    BTRFS_ROOT_ITEM_KEY, BTRFS_ROOT_ITEM_KEY, 0, UINT64_MAX);
        while ((r = search_next(fd, &s, &h, &d)) > 0)
                if (h->type == BTRFS_ROOT_ITEM_KEY && (n_roots == 0 || roots[n_roots - 1] != h->objectid))
                        *(uint64_t *) array_grow(&roots, &n_roots, sizeof *roots) = h->objectid;
        search_done(&s);
        if (r < 0) {
                free(roots);
                return r;
        }
        c.subvolumes = n_roots;
        for (size_t i = 0; i < n_roots && !c.truncated; i++) {
                unsigned k = 0;
                search_init(&s, roots[i], 0, UINT64_MAX, BTRFS_EXTENT_DATA_KEY, BTRFS_EXTENT_DATA_KEY, 0, UINT64_MAX);
                while ((r = search_next(fd, &s, &h, &d)) > 0) {
                        if ((++k & 1023) == 0 && now_s() - start > budget_s) {
                                c.truncated = true;
                                break;
                        }
                        if (h->type != BTRFS_EXTENT_DATA_KEY || h->len < FE_HEADER)
                                continue;
                        const uint8_t *fe = d; /* any alignment: read bytes */
                        uint8_t type = fe[offsetof(struct btrfs_file_extent_item, type)];
                        uint8_t comp = fe[offsetof(struct btrfs_file_extent_item, compression)];
                        uint64_t ram = get64(d, offsetof(struct btrfs_file_extent_item, ram_bytes));
                        if (type == BTRFS_FILE_EXTENT_INLINE) {
                                uint64_t disk = h->len - FE_HEADER;
                                c.disk_bytes += disk, c.ram_bytes += ram;
                                if (comp)
                                        c.comp_disk_bytes += disk, c.comp_ram_bytes += ram;
                                continue;
                        }
                        if (type != BTRFS_FILE_EXTENT_REG || h->len < sizeof(struct btrfs_file_extent_item))
                                continue; /* prealloc holds no data yet */
                        uint64_t bytenr = get64(d, offsetof(struct btrfs_file_extent_item, disk_bytenr));
                        uint64_t disk = get64(d, offsetof(struct btrfs_file_extent_item, disk_num_bytes));
                        if (bytenr == 0 || !set_add(&seen, bytenr))
                                continue; /* hole, or an extent shared by reflink or snapshot */
                        c.disk_bytes += disk, c.ram_bytes += ram, c.extents++;
                        if (comp)
                                c.comp_disk_bytes += disk, c.comp_ram_bytes += ram;
                }
                search_done(&s);
                if (r < 0 && r != -ENOENT)
                        break; /* a subvolume being deleted: keep what we have */
                r = 0;
        }
        c.elapsed_s = now_s() - start;
        free(seen.v);
        free(roots);
        *ret = c;
        return 0;
}
