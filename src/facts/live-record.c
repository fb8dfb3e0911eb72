/* SPDX-License-Identifier: MIT */
/*
 * The live record of a capture (FACTS_LIVE_RECORD, "vpstune-live.txt" at the
 * root of the captured directory): what no file of /proc or /sys holds, so
 * that `vpstune --root CAPTURE detect` decides exactly as the live machine
 * did. One "key=value" a line; '#' starts a comment. Keys:
 *
 *   cpuid.hypervisor_bit=0|1        CPUID.1:ECX[31]
 *   cpuid.40000000=<24 hex digits>  EBX ECX EDX of leaf 0x40000000, the
 *   cpuid.40000100=<24 hex digits>  hypervisor's signature (raw bytes: KVM
 *                                   pads "KVMKVMKVM" with NULs)
 *   blkid.<dev>.<KEY>=<value>       filesystem identifiers found on the
 *                                   device: KEY is TYPE, UUID, LABEL, PTTYPE,
 *                                   PART_ENTRY_UUID or PART_ENTRY_TYPE as
 *                                   libblkid names them
 *
 * Unknown keys are ignored (a newer vpstune may record more).
 */
#include "facts/facts.h"
#include "facts/virt-internal.h"

#include <errno.h>
#include <stdio.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "util.h"

/* The record is small: CPUID plus a few lines per partition. */
#define LIVE_RECORD_MAX (256u * 1024u)

void facts_cpuid_hypervisor(bool *ret_known, bool *ret_bit, char sig[static 13], char sig2[static 13]) {
        memset(sig, 0, 13);
        memset(sig2, 0, 13);
        *ret_known = false;
        *ret_bit = false;
#if defined(__x86_64__) || defined(__i386__)
        unsigned eax, ebx, ecx, edx;

        if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
                return;
        *ret_known = true;
        *ret_bit = ecx & (1u << 31);
        if (!*ret_bit)
                return;
        __cpuid(0x40000000, eax, ebx, ecx, edx);
        memcpy(sig + 0, &ebx, 4);
        memcpy(sig + 4, &ecx, 4);
        memcpy(sig + 8, &edx, 4);
        __cpuid(0x40000100, eax, ebx, ecx, edx);
        memcpy(sig2 + 0, &ebx, 4);
        memcpy(sig2 + 4, &ecx, 4);
        memcpy(sig2 + 8, &edx, 4);
#endif
}

int facts_live_record_load(struct sysroot *sr, char ***ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_ char **lines = NULL, **out = NULL;
        int r;

        *ret = NULL;
        if (sysroot_is_live(sr))
                return -ENOENT;
        r = sysroot_read_file(sr, SR_ROOT, FACTS_LIVE_RECORD, LIVE_RECORD_MAX, &text, NULL, NULL);
        if (r < 0)
                return r;
        lines = strv_split(text, "\n");
        for (char **l = lines; l && *l; l++) {
                const char *s = *l;

                while (*s == ' ' || *s == '\t')
                        s++;
                if (*s == '#' || !strchr(s, '='))
                        continue;
                strv_push(&out, s);
        }
        if (!out)
                strv_push(&out, "#empty");
        *ret = TAKE_PTR(out);
        return 0;
}

const char *live_record_get(char *const *record, const char *key) {
        size_t n = strlen(key);

        for (char *const *l = record; l && *l; l++)
                if (strncmp(*l, key, n) == 0 && (*l)[n] == '=')
                        return *l + n + 1;
        return NULL;
}

static void put_hex(FILE *o, const char *key, const char sig[static 13]) {
        fprintf(o, "%s=", key);
        for (size_t i = 0; i < 12; i++)
                fprintf(o, "%02x", (unsigned char) sig[i]);
        fputc('\n', o);
}

static void put_id(FILE *o, const char *dev, const char *key, const char *value) {
        if (!value)
                return;
        /* One line per value: a newline in a label would start a new key. */
        fprintf(o, "blkid.%s.%s=", dev, key);
        for (const char *p = value; *p; p++)
                fputc(*p == '\n' ? ' ' : *p, o);
        fputc('\n', o);
}

int facts_live_record_format(struct sysroot *sr, const struct facts *f, char **ret) {
        char *buf = NULL;
        size_t len = 0;
        bool known, bit;
        char sig[13], sig2[13];
        FILE *o;

        if (!sysroot_is_live(sr))
                return -EOPNOTSUPP;
        o = open_memstream(&buf, &len);
        if (!o)
                return -errno;
        fprintf(o, "# vpstune live record (%s): what only the running machine could tell\n"
                   "# when this capture was taken. vpstune --root DIR reads it; see\n"
                   "# tests/capture-sysroot.sh --help for the keys.\n", FACTS_LIVE_RECORD);
        facts_cpuid_hypervisor(&known, &bit, sig, sig2);
        if (known) {
                fprintf(o, "cpuid.hypervisor_bit=%d\n", bit);
                if (bit) {
                        put_hex(o, "cpuid.40000000", sig);
                        put_hex(o, "cpuid.40000100", sig2);
                }
        }
        for (size_t i = 0; i < f->n_disks; i++) {
                const struct disk_facts *d = &f->disks[i];

                put_id(o, d->name, "TYPE", d->fstype);
                put_id(o, d->name, "UUID", d->uuid);
                put_id(o, d->name, "PTTYPE", d->pttype);
                for (size_t j = 0; j < d->n_partitions; j++) {
                        const struct partition_facts *p = &d->partitions[j];

                        put_id(o, p->name, "TYPE", p->fstype);
                        put_id(o, p->name, "UUID", p->uuid);
                        put_id(o, p->name, "LABEL", p->label);
                        put_id(o, p->name, "PART_ENTRY_UUID", p->partuuid);
                        put_id(o, p->name, "PART_ENTRY_TYPE", p->parttype);
                }
        }
        if (fclose(o) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}
