/* SPDX-License-Identifier: MIT */
/*
 * CPU facts: /proc/cpuinfo and the sysfs CPU lists.
 *
 * The parser walks the text as spans (no copy of the whole file): a 10 MB
 * cpuinfo from a hostile sysroot is truncated to 4 MiB by the sysroot layer
 * and must then cost one linear pass, nothing more.
 *
 * Identity fields take their first occurrence: on mixed systems later
 * blocks may differ, and the first one is the boot CPU, whose family/model
 * the kernel's own checks use. (Old arm64 kernels print Features and
 * "CPU implementer" once, after all "processor" lines, so "first block" would
 * be too strict.)
 */
#include "facts/facts.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "log.h"
#include "util.h"

/* Kernel CPU lists are sorted and never overlap; a CPU number beyond this is
 * garbage (NR_CPUS tops out at 8192 today), and capping it keeps the count
 * in range whatever the input claims. */
#define CPU_LIST_MAX (1u << 20)

struct kv {
        const char *key, *value;
        size_t key_len, value_len;
};

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
}

/* "key<TAB>: value" → spans, both trimmed. false when there is no colon. */
static bool split_kv(const char *line, size_t len, struct kv *ret) {
        const char *colon = memchr(line, ':', len);
        const char *k = line, *ke, *v, *ve = line + len;

        if (!colon)
                return false;
        ke = colon;
        while (k < ke && is_blank(*k))
                k++;
        while (ke > k && is_blank(ke[-1]))
                ke--;
        v = colon + 1;
        while (v < ve && is_blank(*v))
                v++;
        while (ve > v && is_blank(ve[-1]))
                ve--;
        *ret = (struct kv) { .key = k, .key_len = (size_t) (ke - k), .value = v, .value_len = (size_t) (ve - v) };
        return true;
}

static bool key_is(const struct kv *kv, const char *name) {
        size_t l = strlen(name);
        return kv->key_len == l && memcmp(kv->key, name, l) == 0;
}

/* Small numbers only: a value that does not fit 31 characters is garbage. */
static int span_to_int(const char *s, size_t len, int *ret) {
        char buf[32];
        int v, r;

        if (len == 0 || len >= sizeof buf)
                return -EINVAL;
        memcpy(buf, s, len);
        buf[len] = '\0';
        r = safe_atoi(buf, &v);
        if (r < 0)
                return r;
        if (v < 0)
                return -ERANGE;
        *ret = v;
        return 0;
}

/* "0x41", "0xd0c" as printed by arm64 cpuinfo. */
static int span_to_hex(const char *s, size_t len, unsigned *ret) {
        unsigned v = 0;

        if (len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || len > 2 + 8)
                return -EINVAL;
        for (size_t i = 2; i < len; i++) {
                char c = s[i];
                unsigned d;
                if (c >= '0' && c <= '9')
                        d = (unsigned) (c - '0');
                else if (c >= 'a' && c <= 'f')
                        d = (unsigned) (c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        d = (unsigned) (c - 'A' + 10);
                else
                        return -EINVAL;
                v = v * 16 + d;
        }
        *ret = v;
        return 0;
}

/* The flags the planner cares about, by name: one table instead of a chain
 * of comparisons, so adding a flag is one line. */
static const struct {
        const char *name;
        size_t offset;
} flag_table[] = {
        { "hypervisor", offsetof(struct cpu_facts, hypervisor) },
        { "avx2", offsetof(struct cpu_facts, avx2) },
        { "aes", offsetof(struct cpu_facts, aes) },
        { "avx512f", offsetof(struct cpu_facts, avx512f) },
        { "sse4_2", offsetof(struct cpu_facts, sse4_2) },
};

static void set_flags(struct cpu_facts *c, const char *s, size_t len) {
        const char *e = s + len;

        while (s < e) {
                const char *w;
                while (s < e && is_blank(*s))
                        s++;
                w = s;
                while (s < e && !is_blank(*s))
                        s++;
                for (size_t i = 0; i < ELEMENTSOF(flag_table); i++) {
                        size_t l = strlen(flag_table[i].name);
                        if ((size_t) (s - w) == l && memcmp(w, flag_table[i].name, l) == 0)
                                *(bool *) ((char *) c + flag_table[i].offset) = true;
                }
        }
}

/* arm64 cpuinfo has no vendor string nor model name on most servers
 * (Graviton, Ampere): "CPU implementer" and "CPU part" are the identity.
 * Values as in the Arm and vendor TRMs (util-linux lscpu-arm.c keeps the
 * same list). */
static const struct {
        unsigned id;
        const char *name;
} arm_implementers[] = {
        { 0x41, "ARM" },
        { 0x42, "Broadcom" },
        { 0x43, "Cavium" },
        { 0x46, "Fujitsu" },
        { 0x48, "HiSilicon" },
        { 0x4e, "NVIDIA" },
        { 0x50, "APM" },
        { 0x51, "Qualcomm" },
        { 0x53, "Samsung" },
        { 0x56, "Marvell" },
        { 0x61, "Apple" },
        { 0x6d, "Microsoft" },
        { 0x70, "Phytium" },
        { 0xc0, "Ampere" },
};

static const struct {
        unsigned implementer, part;
        const char *name;
} arm_parts[] = {
        { 0x41, 0xd03, "Cortex-A53" },
        { 0x41, 0xd07, "Cortex-A57" },
        { 0x41, 0xd08, "Cortex-A72" },
        { 0x41, 0xd0b, "Cortex-A76" },
        { 0x41, 0xd0c, "Neoverse-N1" },  /* Graviton2, Ampere Altra */
        { 0x41, 0xd40, "Neoverse-V1" },  /* Graviton3 */
        { 0x41, 0xd49, "Neoverse-N2" },
        { 0x41, 0xd4f, "Neoverse-V2" },  /* Graviton4, Grace */
        { 0x41, 0xd84, "Neoverse-V3" },
        { 0x41, 0xd8e, "Neoverse-N3" },
        { 0xc0, 0xac3, "Ampere-1" },
        { 0xc0, 0xac4, "Ampere-1a" },
};

static const char *arm_implementer_name(unsigned id) {
        for (size_t i = 0; i < ELEMENTSOF(arm_implementers); i++)
                if (arm_implementers[i].id == id)
                        return arm_implementers[i].name;
        return NULL;
}

static const char *arm_part_name(unsigned implementer, unsigned part) {
        for (size_t i = 0; i < ELEMENTSOF(arm_parts); i++)
                if (arm_parts[i].implementer == implementer && arm_parts[i].part == part)
                        return arm_parts[i].name;
        return NULL;
}

int facts_parse_cpuinfo(const char *text, struct cpu_facts *ret) {
        struct cpu_facts c = { .family = -1, .model_number = -1, .stepping = -1 };
        unsigned processors = 0, implementer = 0, part = 0;
        bool have_implementer = false, have_part = false, recognised = false;
        const char *p = text;

        if (!text)
                return -EINVAL;

        while (*p) {
                const char *eol = strchr(p, '\n');
                size_t len = eol ? (size_t) (eol - p) : strlen(p);
                struct kv kv;

                if (split_kv(p, len, &kv)) {
                        if (key_is(&kv, "processor")) {
                                if (processors < UINT32_MAX)
                                        processors++;
                                recognised = true;
                        } else if (key_is(&kv, "vendor_id") && !c.vendor && kv.value_len > 0) {
                                c.vendor = xstrndup(kv.value, kv.value_len);
                                recognised = true;
                        } else if (key_is(&kv, "model name") && !c.model && kv.value_len > 0) {
                                c.model = xstrndup(kv.value, kv.value_len);
                                recognised = true;
                        } else if (key_is(&kv, "cpu family") && c.family < 0) {
                                (void) span_to_int(kv.value, kv.value_len, &c.family);
                                recognised = true;
                        } else if (key_is(&kv, "model") && c.model_number < 0) {
                                (void) span_to_int(kv.value, kv.value_len, &c.model_number);
                                recognised = true;
                        } else if (key_is(&kv, "stepping") && c.stepping < 0) {
                                /* "stepping : unknown" exists on some VMs. */
                                (void) span_to_int(kv.value, kv.value_len, &c.stepping);
                                recognised = true;
                        } else if ((key_is(&kv, "flags") || key_is(&kv, "Features")) && !c.flags_line) {
                                c.flags_line = xstrndup(kv.value, kv.value_len);
                                set_flags(&c, kv.value, kv.value_len);
                                recognised = true;
                        } else if (key_is(&kv, "CPU implementer") && !have_implementer) {
                                have_implementer = span_to_hex(kv.value, kv.value_len, &implementer) >= 0;
                                recognised = true;
                        } else if (key_is(&kv, "CPU part") && !have_part) {
                                have_part = span_to_hex(kv.value, kv.value_len, &part) >= 0;
                                recognised = true;
                        }
                }
                if (!eol)
                        break;
                p = eol + 1;
        }

        if (!recognised) {
                cpu_facts_done(&c);
                return -EINVAL;
        }

        if (have_implementer && !c.vendor) {
                const char *n = arm_implementer_name(implementer);
                c.vendor = n ? xstrdup(n) : xasprintf("0x%02x", implementer);
        }
        if (have_implementer && have_part) {
                c.microarch = arm_part_name(implementer, part);
                if (!c.model && c.microarch)
                        c.model = xstrdup(c.microarch);
        }
        if (!c.microarch && c.vendor && c.family >= 0 && c.model_number >= 0)
                c.microarch = facts_microarch(c.vendor, c.family, c.model_number);
        c.count = processors;
        *ret = c;
        return 0;
}

/* One decimal CPU number, advancing *p. */
static int parse_cpu_number(const char **p, unsigned *ret) {
        const char *s = *p;
        uint64_t v = 0;

        if (*s < '0' || *s > '9')
                return -EINVAL;
        while (*s >= '0' && *s <= '9') {
                v = v * 10 + (uint64_t) (*s - '0');
                if (v >= CPU_LIST_MAX)
                        return -ERANGE;
                s++;
        }
        *p = s;
        *ret = (unsigned) v;
        return 0;
}

int facts_parse_cpu_list(const char *text, unsigned *ret_count) {
        const char *p = text;
        unsigned count = 0;
        int64_t last = -1;

        if (!text)
                return -EINVAL;
        while (*p == ' ' || *p == '\t')
                p++;
        /* An empty list ("\n") is valid: sysfs prints it for "offline" when
         * nothing is. */
        while (*p && *p != '\n') {
                unsigned a, b;
                int r;

                r = parse_cpu_number(&p, &a);
                if (r < 0)
                        return r;
                b = a;
                if (*p == '-') {
                        p++;
                        r = parse_cpu_number(&p, &b);
                        if (r < 0)
                                return r;
                        if (b < a)
                                return -EINVAL;
                }
                /* Sorted and disjoint, as the kernel prints them: this also
                 * bounds the count by CPU_LIST_MAX. */
                if ((int64_t) a <= last)
                        return -EINVAL;
                last = b;
                count += b - a + 1;
                if (*p == ',') {
                        p++;
                        if (*p < '0' || *p > '9')
                                return -EINVAL;
                } else
                        break;
        }
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
                p++;
        if (*p)
                return -EINVAL;
        *ret_count = count;
        return 0;
}

static void warn_read(struct facts *f, enum sr_base base, const char *rel, int r) {
        _cleanup_free_ char *p = sysroot_display_path(base, rel);
        facts_warn(f, "cannot read '%s': %s", p, strerror(-r));
}

/* online/possible: missing is unknown; garbage gets a warning. */
static unsigned read_cpu_list(struct sysroot *sr, struct facts *f, const char *rel) {
        _cleanup_free_ char *line = NULL;
        unsigned n;
        int r;

        r = sysroot_read_line(sr, SR_SYS, rel, &line);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                warn_read(f, SR_SYS, rel, r);
                return 0;
        }
        r = facts_parse_cpu_list(line, &n);
        if (r < 0) {
                _cleanup_free_ char *p = sysroot_display_path(SR_SYS, rel);
                facts_warn(f, "'%s': not a CPU list", p);
                return 0;
        }
        return n;
}

void facts_collect_cpu(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *text = NULL;
        struct cpu_facts c;
        bool truncated = false;
        unsigned online;
        int r;

        cpu_facts_done(&f->cpu);

        r = sysroot_read_file(sr, SR_PROC, "cpuinfo", 0, &text, NULL, &truncated);
        if (r < 0 && r != -ENOENT)
                warn_read(f, SR_PROC, "cpuinfo", r);
        if (r >= 0) {
                _cleanup_free_ char *path = sysroot_display_path(SR_PROC, "cpuinfo");

                if (truncated)
                        facts_warn(f, "'%s' is larger than %u bytes; read the first part only",
                                   path, SYSROOT_READ_MAX);
                if (facts_parse_cpuinfo(text, &c) >= 0)
                        f->cpu = c;
                else
                        facts_warn(f, "'%s': no processor information found", path);
        }

        /* The online list is authoritative: cpuinfo lists only online CPUs
         * too, but a truncated or hand-made dump may say otherwise. */
        online = read_cpu_list(sr, f, "devices/system/cpu/online");
        if (online > 0)
                f->cpu.count = online;
        f->cpu.possible = read_cpu_list(sr, f, "devices/system/cpu/possible");

        log_debug_topic("cpu", "count=%u possible=%u vendor=%s family=%d model=%d microarch=%s",
                        f->cpu.count, f->cpu.possible, strna(f->cpu.vendor), f->cpu.family,
                        f->cpu.model_number, strna(f->cpu.microarch));
}
