/* SPDX-License-Identifier: MIT */
/*
 * x86 family/model → microarchitecture name, as tables.
 *
 * Sources: Linux arch/x86/include/asm/intel-family.h for Intel model
 * numbers, and bsp_init_amd() in arch/x86/kernel/cpu/amd.c for the AMD Zen
 * model ranges (the kernel's X86_FEATURE_ZEN1..ZEN6 split). Names are the
 * core generation a tuning decision cares about, not the product brand;
 * where one model number covers several generations told apart only by
 * stepping (0x55: Skylake-SP, Cascade Lake, Cooper Lake; 0x8E/0x9E: Kaby,
 * Coffee, Whiskey, Amber Lake) the name says so instead of guessing.
 */
#include "facts/facts.h"

#include "util.h"

struct microarch_range {
        int family;
        int model_lo, model_hi; /* inclusive */
        const char *name;
};

#define M(fam, model, name) { fam, model, model, name }
#define R(fam, lo, hi, name) { fam, lo, hi, name }

static const struct microarch_range intel_table[] = {
        /* Core 2 */
        M(6, 0x0F, "Merom"), M(6, 0x16, "Merom"),
        M(6, 0x17, "Penryn"), M(6, 0x1D, "Penryn"),
        /* Big cores */
        M(6, 0x1A, "Nehalem"), M(6, 0x1E, "Nehalem"), M(6, 0x1F, "Nehalem"), M(6, 0x2E, "Nehalem"),
        M(6, 0x25, "Westmere"), M(6, 0x2C, "Westmere"), M(6, 0x2F, "Westmere"),
        M(6, 0x2A, "Sandy Bridge"), M(6, 0x2D, "Sandy Bridge"),
        M(6, 0x3A, "Ivy Bridge"), M(6, 0x3E, "Ivy Bridge"),
        M(6, 0x3C, "Haswell"), M(6, 0x3F, "Haswell"), M(6, 0x45, "Haswell"), M(6, 0x46, "Haswell"),
        M(6, 0x3D, "Broadwell"), M(6, 0x47, "Broadwell"), M(6, 0x4F, "Broadwell"), M(6, 0x56, "Broadwell"),
        M(6, 0x4E, "Skylake"), M(6, 0x5E, "Skylake"),
        M(6, 0x55, "Skylake-SP/Cascade Lake"),
        M(6, 0x8E, "Kaby Lake/Coffee Lake"), M(6, 0x9E, "Kaby Lake/Coffee Lake"),
        M(6, 0xA5, "Comet Lake"), M(6, 0xA6, "Comet Lake"),
        M(6, 0x66, "Cannon Lake"),
        M(6, 0x6A, "Ice Lake"), M(6, 0x6C, "Ice Lake"), M(6, 0x7D, "Ice Lake"), M(6, 0x7E, "Ice Lake"),
        M(6, 0x9D, "Ice Lake"),
        M(6, 0xA7, "Rocket Lake"),
        M(6, 0x8C, "Tiger Lake"), M(6, 0x8D, "Tiger Lake"),
        M(6, 0x8A, "Lakefield"),
        M(6, 0x97, "Alder Lake"), M(6, 0x9A, "Alder Lake"),
        M(6, 0xB7, "Raptor Lake"), M(6, 0xBA, "Raptor Lake"), M(6, 0xBF, "Raptor Lake"),
        M(6, 0xAA, "Meteor Lake"), M(6, 0xAC, "Meteor Lake"),
        M(6, 0xB5, "Arrow Lake"), M(6, 0xC5, "Arrow Lake"), M(6, 0xC6, "Arrow Lake"),
        M(6, 0xBD, "Lunar Lake"),
        M(6, 0xCC, "Panther Lake"),
        M(6, 0x8F, "Sapphire Rapids"),
        M(6, 0xCF, "Emerald Rapids"),
        M(6, 0xAD, "Granite Rapids"), M(6, 0xAE, "Granite Rapids"),
        M(6, 0xD7, "Bartlett Lake"),
        M(19, 0x01, "Diamond Rapids"),
        /* Atom / E-cores */
        M(6, 0x1C, "Bonnell"), M(6, 0x26, "Bonnell"),
        M(6, 0x27, "Saltwell"), M(6, 0x35, "Saltwell"), M(6, 0x36, "Saltwell"),
        M(6, 0x37, "Silvermont"), M(6, 0x4A, "Silvermont"), M(6, 0x4D, "Silvermont"), M(6, 0x5A, "Silvermont"),
        M(6, 0x4C, "Airmont"), M(6, 0x75, "Airmont"),
        M(6, 0x5C, "Goldmont"), M(6, 0x5F, "Goldmont"),
        M(6, 0x7A, "Goldmont Plus"),
        M(6, 0x86, "Tremont"), M(6, 0x96, "Tremont"), M(6, 0x9C, "Tremont"),
        M(6, 0xBE, "Gracemont"),
        M(6, 0xAF, "Sierra Forest"),
        M(6, 0xB6, "Grand Ridge"),
        M(6, 0xDD, "Clearwater Forest"),
        /* Xeon Phi */
        M(6, 0x57, "Knights Landing"), M(6, 0x85, "Knights Mill"),
};

static const struct microarch_range amd_table[] = {
        R(0x10, 0x00, 0xFF, "K10"),
        M(0x15, 0x01, "Bulldozer"), M(0x15, 0x02, "Piledriver"),
        R(0x15, 0x10, 0x1F, "Piledriver"),
        R(0x15, 0x30, 0x3F, "Steamroller"),
        R(0x15, 0x60, 0x7F, "Excavator"),
        R(0x16, 0x00, 0x0F, "Jaguar"),
        R(0x16, 0x30, 0x3F, "Puma"),
        /* Family 17h: the 12 nm refreshes first, the kernel's ZEN1 ranges
         * after (first match wins). */
        M(0x17, 0x08, "Zen+"), M(0x17, 0x18, "Zen+"),
        R(0x17, 0x00, 0x2F, "Zen"), R(0x17, 0x50, 0x5F, "Zen"),
        R(0x17, 0x30, 0x4F, "Zen 2"), R(0x17, 0x60, 0x7F, "Zen 2"),
        R(0x17, 0x90, 0x91, "Zen 2"), R(0x17, 0xA0, 0xAF, "Zen 2"),
        R(0x19, 0x00, 0x0F, "Zen 3"), R(0x19, 0x20, 0x5F, "Zen 3"),
        R(0x19, 0x10, 0x1F, "Zen 4"), R(0x19, 0x60, 0xAF, "Zen 4"),
        R(0x1A, 0x00, 0x2F, "Zen 5"), R(0x1A, 0x40, 0x4F, "Zen 5"), R(0x1A, 0x60, 0x7F, "Zen 5"),
        R(0x1A, 0x50, 0x5F, "Zen 6"), R(0x1A, 0x80, 0xAF, "Zen 6"), R(0x1A, 0xC0, 0xCF, "Zen 6"),
};

#undef M
#undef R

static const struct {
        const char *vendor;
        const struct microarch_range *table;
        size_t n;
} vendor_tables[] = {
        { "GenuineIntel", intel_table, ELEMENTSOF(intel_table) },
        { "AuthenticAMD", amd_table, ELEMENTSOF(amd_table) },
};

const char *facts_microarch(const char *vendor, int family, int model) {
        if (!vendor || family < 0 || model < 0)
                return NULL;
        for (size_t v = 0; v < ELEMENTSOF(vendor_tables); v++) {
                if (!streq(vendor, vendor_tables[v].vendor))
                        continue;
                for (size_t i = 0; i < vendor_tables[v].n; i++) {
                        const struct microarch_range *e = &vendor_tables[v].table[i];
                        if (e->family == family && model >= e->model_lo && model <= e->model_hi)
                                return e->name;
                }
        }
        return NULL;
}
