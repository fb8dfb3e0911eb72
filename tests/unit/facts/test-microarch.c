/* SPDX-License-Identifier: MIT */
/* facts_microarch: family/model tables (Linux intel-family.h, amd.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts/facts.h"
#include "util.h"

#define INTEL "GenuineIntel"
#define AMD "AuthenticAMD"

static const struct {
        const char *vendor;
        int family, model;
        const char *expected;
} cases[] = {
        { INTEL, 6, 0x1A, "Nehalem" },
        { INTEL, 6, 0x2C, "Westmere" },
        { INTEL, 6, 0x2A, "Sandy Bridge" },
        { INTEL, 6, 0x2D, "Sandy Bridge" },
        { INTEL, 6, 0x3A, "Ivy Bridge" },
        { INTEL, 6, 0x3E, "Ivy Bridge" },
        { INTEL, 6, 0x3C, "Haswell" },
        { INTEL, 6, 0x3F, "Haswell" },
        { INTEL, 6, 0x45, "Haswell" },
        { INTEL, 6, 0x46, "Haswell" },
        { INTEL, 6, 0x3D, "Broadwell" },
        { INTEL, 6, 0x47, "Broadwell" },
        { INTEL, 6, 0x4F, "Broadwell" },
        { INTEL, 6, 0x56, "Broadwell" },
        { INTEL, 6, 0x4E, "Skylake" },
        { INTEL, 6, 0x5E, "Skylake" },
        { INTEL, 6, 0x55, "Skylake-SP/Cascade Lake" },
        { INTEL, 6, 0x8E, "Kaby Lake/Coffee Lake" },
        { INTEL, 6, 0x9E, "Kaby Lake/Coffee Lake" },
        { INTEL, 6, 0x66, "Cannon Lake" },
        { INTEL, 6, 0x7D, "Ice Lake" },
        { INTEL, 6, 0x7E, "Ice Lake" },
        { INTEL, 6, 0x6A, "Ice Lake" },
        { INTEL, 6, 0x6C, "Ice Lake" },
        { INTEL, 6, 0x8C, "Tiger Lake" },
        { INTEL, 6, 0x8D, "Tiger Lake" },
        { INTEL, 6, 0x97, "Alder Lake" },
        { INTEL, 6, 0x9A, "Alder Lake" },
        { INTEL, 6, 0xB7, "Raptor Lake" },
        { INTEL, 6, 0xBA, "Raptor Lake" },
        { INTEL, 6, 0xBF, "Raptor Lake" },
        { INTEL, 6, 0x8F, "Sapphire Rapids" },
        { INTEL, 6, 0xCF, "Emerald Rapids" },
        { INTEL, 6, 0xAD, "Granite Rapids" },
        { INTEL, 6, 0xAE, "Granite Rapids" },
        { INTEL, 6, 0x5C, "Goldmont" },
        { INTEL, 6, 0x86, "Tremont" },
        { INTEL, 6, 0xAF, "Sierra Forest" },
        { INTEL, 6, 0x00, NULL },
        { INTEL, 15, 0x3F, NULL },              /* NetBurst family, not 6 */
        { AMD, 0x17, 0x01, "Zen" },             /* Naples */
        { AMD, 0x17, 0x08, "Zen+" },            /* Pinnacle Ridge */
        { AMD, 0x17, 0x11, "Zen" },             /* Raven Ridge */
        { AMD, 0x17, 0x18, "Zen+" },            /* Picasso */
        { AMD, 0x17, 0x31, "Zen 2" },           /* Rome */
        { AMD, 0x17, 0x71, "Zen 2" },           /* Matisse */
        { AMD, 0x17, 0xA0, "Zen 2" },
        { AMD, 0x17, 0x80, NULL },
        { AMD, 0x19, 0x01, "Zen 3" },           /* Milan */
        { AMD, 0x19, 0x21, "Zen 3" },           /* Vermeer */
        { AMD, 0x19, 0x5F, "Zen 3" },
        { AMD, 0x19, 0x11, "Zen 4" },           /* Genoa; this machine: family 25 model 17 */
        { AMD, 25, 17, "Zen 4" },
        { AMD, 0x19, 0x61, "Zen 4" },           /* Raphael */
        { AMD, 0x19, 0xA0, "Zen 4" },           /* Bergamo */
        { AMD, 0x19, 0xB0, NULL },
        { AMD, 0x1A, 0x02, "Zen 5" },           /* Turin */
        { AMD, 0x1A, 0x44, "Zen 5" },           /* Granite Ridge */
        { AMD, 0x1A, 0x50, "Zen 6" },
        { AMD, 0x1A, 0x30, NULL },
        { AMD, 0x15, 0x02, "Piledriver" },
        { AMD, 6, 0x3F, NULL },                 /* Intel numbers, AMD vendor */
        { INTEL, 0x19, 0x11, NULL },            /* AMD numbers, Intel vendor */
        { "HygonGenuine", 0x18, 0x00, NULL },
        { NULL, 6, 0x3F, NULL },
        { INTEL, -1, 0x3F, NULL },
        { INTEL, 6, -1, NULL },
        { "", 6, 0x3F, NULL },
};

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const char *r = facts_microarch(cases[i].vendor, cases[i].family, cases[i].model);

                print_message("# case: %s %#x %#x\n", strna(cases[i].vendor), cases[i].family, cases[i].model);
                if (cases[i].expected)
                        assert_string_equal(r, cases[i].expected);
                else
                        assert_null(r);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
