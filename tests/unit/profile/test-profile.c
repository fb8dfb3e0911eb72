/* SPDX-License-Identifier: MIT */
/*
 * Profile parsing as TuneD does it: INI rules, unit keys, variables,
 * functions, includes and merging, discovery through a sysroot, owner check.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "profile/profile.h"
#include "util.h"

static struct facts kvm_facts, bare_facts;
static const struct profile_env env_kvm = { .facts = &kvm_facts };
static const struct profile_env env_bare = { .facts = &bare_facts };

static int setup(void **state) {
        (void) state;
        kvm_facts.virt.vm = (char *) "kvm";
        kvm_facts.cpu.count = 8;
        kvm_facts.mem.total_bytes = 24002ull << 20;
        bare_facts.virt.vm = (char *) "none";
        bare_facts.cpu.count = 4;
        bare_facts.mem.total_bytes = 8192ull << 20;
        return 0;
}

static struct profile *parse(const char *text, const struct profile_env *env) {
        struct profile *p = NULL;
        char *err = NULL;
        int r = profile_parse_buffer("t.conf", text, strlen(text), env, &p, &err);
        if (r < 0)
                fail_msg("parse failed (%d): %s\n--- input:\n%s", r, err, text);
        return p;
}

static const char *get(const struct profile *p, const char *unit, const char *key) {
        const struct profile_unit *u = profile_find_unit(p, unit);
        return u ? profile_unit_get(u, key) : NULL;
}

static bool has_warning(const struct profile *p, const char *needle) {
        for (size_t i = 0; p->warnings && p->warnings[i]; i++)
                if (strstr(p->warnings[i], needle))
                        return true;
        return false;
}

/* ---- INI rules, one value per row ---- */
static void test_values(void **state) {
        (void) state;
        static const struct {
                const char *text, *unit, *key, *want; /* want NULL = absent */
        } t[] = {
                /* comments */
                { "# c\n; c\n[sysctl]\n  # indented comment\na=1 # inline\n", "sysctl", "a", "1" },
                { "[sysctl]\nb=2#notcomment\n", "sysctl", "b", "2#notcomment" },
                { "[sysctl]\nc=3 ;not a comment\n", "sysctl", "c", "3 ;not a comment" },
                { "[sysctl]\nd=4\t# tab starts a comment\n", "sysctl", "d", "4" },
                { "[sysctl]\ne= # only a comment\n", "sysctl", "e", "" },
                { "[sysctl]\n#a=1\n", "sysctl", "a", NULL },
                { "[sysctl]\n;a=1\n", "sysctl", "a", NULL },
                { "[sysctl] # comment after header\na=1\n", "sysctl", "a", "1" },
                /* whitespace and delimiters */
                { "[sysctl]\n  key  =  value  \n", "sysctl", "key", "value" },
                { "[sysctl]\nkey==v\n", "sysctl", "key", "=v" },
                { "[sysctl]\nk=a=b\n", "sysctl", "k", "a=b" },
                { "[sysctl]\nk: v=1\n", "sysctl", "k: v", "1" },
                { "[sysctl]\nKey=1\n", "sysctl", "key", NULL },
                { "[sysctl]\r\na=1\r\n", "sysctl", "a", "1" },
                { "[sysctl]\ra=1\r", "sysctl", "a", "1" },
                { "[sysctl]\na=1", "sysctl", "a", "1" },
                { "[sysctl]\na=caf\xc3\xa9\n", "sysctl", "a", "caf\xc3\xa9" },
                /* continuation lines */
                { "[sysctl]\na=1\n  2\n\n  3\nb=x\n", "sysctl", "a", "1\n2\n\n3" },
                { "[sysctl]\na=1\n  2\n  # comment inside\n  3\n", "sysctl", "a", "1\n2\n3" },
                { "[sysctl]\na=1\n\nb=2\n", "sysctl", "a", "1" },
                { "[sysctl]\na=1\n  2\n\n\n", "sysctl", "a", "1\n2" },
                { "[sysctl]\n  a=1\n    b=2\n", "sysctl", "a", "1\nb=2" },
                { "[sysctl]\n  a=1\n  b=2\n", "sysctl", "b", "2" },
                /* duplicates: later wins */
                { "[sysctl]\na=1\nb=2\na=3\n", "sysctl", "a", "3" },
                { "[sysctl]\na=1\n[disk]\nx=1\n[sysctl]\nb=2\n", "sysctl", "a", "1" },
                { "[sysctl]\na=1\n[disk]\nx=1\n[sysctl]\nb=2\n", "sysctl", "b", "2" },
                /* [DEFAULT] keys appear in every section */
                { "[DEFAULT]\nx=1\n[sysctl]\na=2\n", "sysctl", "x", "1" },
                { "[DEFAULT]\nx=1\n[sysctl]\nx=2\n", "sysctl", "x", "2" },
                /* section names are taken as written */
                { "[my unit]\ntype=sysctl\na=1\n", "my unit", "a", "1" },
                { "[a]b]\ntype=sysctl\nk=1\n", "a]b", "k", "1" },
                /* unit keys are not entries */
                { "[disk]\ndevices=sda\nenabled=false\nreplace=1\ntype=disk\nelevator=none\n", "disk", "devices", NULL },
                { "[disk]\nenabled=false\n", "disk", "enabled", NULL },
                { "[disk]\ndrop=a\nb=1\n", "disk", "drop", NULL },
                { "[disk]\nscript_pre=x\n", "disk", "script_pre", "x" },
                /* variables */
                { "[variables]\na=1\nb=${a}2\n[sysctl]\nx=${b}\n", "sysctl", "x", "12" },
                { "[variables]\na=1\n[sysctl]\nx=\\${a}\n", "sysctl", "x", "${a}" },
                { "[variables]\na=1\n[sysctl]\nx=$${a}\n", "sysctl", "x", "$1" },
                { "[sysctl]\nx=${undefined}\n", "sysctl", "x", "${undefined}" },
                /* configparser: the second a= overwrites the first in place, so
                 * b sees a=2 (TuneD gives the same) */
                { "[variables]\na=1\nb=${a}\na=2\n[sysctl]\nx=${a}${b}\n", "sysctl", "x", "22" },
                { "[sysctl]\nx=${a}\n[variables]\na=late\n", "sysctl", "x", "late" },
                { "[variables]\na=${b}\nb=1\n[sysctl]\nx=${a}\n", "sysctl", "x", "${b}" },
                { "[variables]\nv=sd*\n[disk]\ndevices=${v}\n", "disk", "devices", NULL },
                { "[sysctl]\nx=${i:PROFILE_NAME}\n", "sysctl", "x", "t.conf" },
                { "[variables]\nbad-name=1\n[sysctl]\nx=${bad-name}\n", "sysctl", "x", "${bad-name}" },
                /* functions */
                { "[sysctl]\nx=${f:virt_check:vm:bare}\n", "sysctl", "x", "vm" },
                { "[sysctl]\nx=${f:strip:  a b  }\n", "sysctl", "x", "a b" },
                { "[sysctl]\nx=${f:strip:a\\:b}\n", "sysctl", "x", "a:b" },
                { "[sysctl]\nx=${f:strip: a:b }\n", "sysctl", "x", "ab" },
                { "[sysctl]\nx=${f:regex_search_ternary:abc:^a:yes:no}\n", "sysctl", "x", "yes" },
                { "[sysctl]\nx=${f:regex_search_ternary:abc:^b:yes:no}\n", "sysctl", "x", "no" },
                { "[sysctl]\nx=${f:regex_search_ternary:Y:\\b[y,Y,1,t,T]\\b:on:}\n", "sysctl", "x", "on" },
                { "[sysctl]\nx=${f:strip:${f:virt_check: a : b }}\n", "sysctl", "x", "a" },
                { "[sysctl]\nx=\\${f:strip: x }\n", "sysctl", "x", "${f:strip: x }" },
                { "[sysctl]\nx=${f:kb2s:8}\n", "sysctl", "x", "16" },
                { "[sysctl]\nx=${f:s2kb:5}\n", "sysctl", "x", "2" },
                { "[sysctl]\nx=${f:s2kb:7}\n", "sysctl", "x", "4" },
                { "[sysctl]\nx=${f:s2kb:-5}\n", "sysctl", "x", "-2" },
                { "[sysctl]\nx=${f:calc:cpus / 2}\n", "sysctl", "x", "4" },
                { "[sysctl]\nx=${f:calc:min(ram, 16384)}\n", "sysctl", "x", "16384" },
                { "[sysctl]\nx=${f:assertion_non_equal:differs:a:b}\n", "sysctl", "x",
                  "${f:assertion_non_equal:differs:a:b}" },
                { "[sysctl]\nx=${f:assertion:same:a:a}\n", "sysctl", "x", "${f:assertion:same:a:a}" },
                { "[variables]\nn=3\n[sysctl]\nx=${f:kb2s:${n}}\n", "sysctl", "x", "6" },
                /* lazy: unusable variables are fine until used */
                { "[variables]\nt=${f:exec:mktemp:-d}\nc=${f:cpulist_unpack:1-3}\n[sysctl]\nx=1\n", "sysctl", "x", "1" },
                /* unsupported units keep raw values */
                { "[cpu]\ngovernor=${f:exec:x}\n", "cpu", "governor", "${f:exec:x}" },
                /* our dotted sections */
                { "[btrfs./var/log]\npath=/var/log\nnocow=true\n", "btrfs./var/log", "nocow", "true" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                struct profile *p = parse(t[i].text, &env_kvm);
                const char *v = get(p, t[i].unit, t[i].key);
                if (!streq_ptr(v, t[i].want))
                        fail_msg("row %zu: [%s] %s = '%s', want '%s'\n--- input:\n%s", i, t[i].unit, t[i].key,
                                 strna(v), strna(t[i].want), t[i].text);
                profile_free(p);
        }
}

static void test_errors(void **state) {
        (void) state;
        static const struct {
                const char *text;
                int r;
                const char *want; /* substring */
        } t[] = {
                { "[sysctl]\na=1\nnovalue\n", -EINVAL, "t.conf:3: 'novalue': expected KEY=VALUE" },
                { "\n\na=1\n", -EINVAL, "t.conf:3: 'a=1' before any [section] header" },
                { "[sysctl]\n=x\n", -EINVAL, "t.conf:2: '=x': empty key" },
                { "[]\n", -EINVAL, "t.conf:1: '[]' before any [section] header" },
                { "[sysctl]\n[]\n", -EINVAL, "t.conf:2: '[]': expected KEY=VALUE" },
                { "[sysctl]\na=\xff\n", -EINVAL, "t.conf:2: invalid byte 0xff" },
                { "[sysctl]\na=1\nb=\xc3\n", -EINVAL, "t.conf:3: invalid byte 0xc3" },
                { "[sysctl]\n\xed\xa0\x80=1\n", -EINVAL, "t.conf:2: invalid byte 0xed" },
                { "[sysctl]\na=\x01\n", -EINVAL, "t.conf:2: invalid byte 0x01" },
                { "[disk]\n\nenabled=maybe\n", -EINVAL, "t.conf:3: enabled=maybe: expected a boolean" },
                { "[disk]\nreplace=2\n", -EINVAL, "t.conf:2: replace=2: expected a boolean" },
                { "[sysctl]\n\nx=${f:exec:/bin/true}\n", -EINVAL,
                  "t.conf:3: [sysctl] x=${f:exec:/bin/true}: function 'exec' refused" },
                { "[sysctl]\nx=${f:nope:1}\n", -EINVAL, "t.conf:2: [sysctl] x=${f:nope:1}: unknown function 'nope'" },
                { "[sysctl]\nx=${f:virt_check:a}\n", -EINVAL, "invalid number of arguments for function 'virt_check'" },
                { "[sysctl]\nx=${f:strip}\n", -EINVAL, "invalid number of arguments for function 'strip'" },
                { "[sysctl]\nx=${f:kb2s:abc}\n", -EINVAL, "'abc' is not an integer" },
                { "[sysctl]\nx=${f:calc:1/0}\n", -EINVAL, "calc '1/0': col 2: division by zero" },
                { "[sysctl]\nx=${f:regex_search_ternary:a:(?=a):y:n}\n", -EINVAL, "not supported" },
                { "[variables]\nt=${f:exec:mktemp:-d}\n[sysctl]\nx=${t}\n", -EINVAL,
                  "t.conf:4: [sysctl] x=${t}: variable 't' (t.conf:2): function 'exec' refused" },
                { "[variables]\na=${f:assertion:must hold:1:2}\n", -EINVAL,
                  "t.conf:2: variable 'a': assertion 'must hold' failed: '1' != '2'" },
                { "[variables]\na=${f:assertion_non_equal:set:x:x}\n", -EINVAL, "assertion 'set' failed: 'x' == 'x'" },
                { "[main]\ninclude=nonexistent\n", -ENOENT, "t.conf:2: include=nonexistent: profile 'nonexistent' not found" },
                { "[main]\ninclude=a b\n", -EINVAL, "invalid profile name 'a b'" },
                { "[main]\ninclude=virtual-guest,\n", -EINVAL, "invalid profile name ''" },
                { "[disk]\ndevices=${f:exec:ls}\n", -EINVAL, "t.conf:1: [disk] devices=${f:exec:ls}: function 'exec' refused" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                struct profile *p = (struct profile *) 0x1;
                char *err = NULL;
                int r = profile_parse_buffer("t.conf", t[i].text, strlen(t[i].text), &env_kvm, &p, &err);
                if (r >= 0)
                        fail_msg("row %zu should fail\n--- input:\n%s", i, t[i].text);
                assert_ptr_equal(p, (struct profile *) 0x1); /* untouched */
                if (r != t[i].r || !err || !strstr(err, t[i].want))
                        fail_msg("row %zu: r=%d err='%s', want r=%d '%s'", i, r, strna(err), t[i].r, t[i].want);
                free(err);
        }
}

static void test_units(void **state) {
        (void) state;
        struct profile *p = parse("[main]\nsummary=S\n"
                                  "[disk]\ndevices=!zram*, !loop*\nenabled=no\nelevator=none\n"
                                  "[sdisk]\ntype=disk\nenabled=yes\n"
                                  "[btrfs.home]\nx=1\n"
                                  "[btrfs.home2]\ntype=sysctl\n"
                                  "[disk.sda]\nx=1\n"
                                  "[cpu]\ngovernor=performance\n"
                                  "[bootloader]\ncmdline=quiet\n",
                                  &env_kvm);
        assert_string_equal(p->summary, "S");
        assert_string_equal(p->name, "t.conf");
        assert_int_equal(p->n_units, 7);
        const struct profile_unit *u = profile_find_unit(p, "disk");
        assert_string_equal(u->type, "disk");
        assert_string_equal(u->devices, "!zram*, !loop*");
        assert_false(u->enabled);
        assert_true(u->supported);
        assert_int_equal(u->n_entries, 1);
        assert_int_equal(u->line, 3);
        assert_int_equal(u->entries[0].line, 6);
        assert_string_equal(u->entries[0].file, "t.conf");
        u = profile_find_unit(p, "sdisk");
        assert_string_equal(u->type, "disk");
        assert_true(u->enabled);
        assert_string_equal(profile_find_unit(p, "btrfs.home")->type, "btrfs");
        assert_string_equal(profile_find_unit(p, "btrfs.home2")->type, "sysctl");
        assert_string_equal(profile_find_unit(p, "disk.sda")->type, "disk.sda"); /* TuneD's own rule */
        assert_false(profile_find_unit(p, "cpu")->supported);
        assert_true(has_warning(p, "unit [cpu] (plugin cpu) is not supported by vpstune, ignored"));
        assert_true(has_warning(p, "unit [bootloader] (plugin bootloader) is not supported"));
        assert_true(has_warning(p, "unit [disk.sda] (plugin disk.sda) is not supported"));
        assert_false(has_warning(p, "t.conf:5:")); /* enabled=no: TuneD agrees (false) */
        assert_true(has_warning(p, "t.conf:9: enabled=yes: TuneD reads this as false; write true"));
        assert_null(profile_find_unit(p, "main"));
        assert_null(p->includes_resolved[0]);
        profile_free(p);

        for (const char *const *b = (const char *const[]) { "sysctl", "vm", "disk", "sysfs", "btrfs", "zram",
                                                              "containers", "nix", "main", "variables", NULL };
             *b; b++)
                assert_true(profile_unit_is_supported(*b));
        assert_false(profile_unit_is_supported("cpu"));
        assert_false(profile_unit_is_supported(NULL));
}

/* TuneD functions vpstune lacks: that value is unusable, the profile loads */
static void test_unimplemented_function(void **state) {
        (void) state;
        struct profile *p = parse("[variables]\nc=${f:package2uncores:1-3}\nm=${f:cpulist2hex:${c}}\n"
                                  "[sysfs]\n/sys/x=${m}\n/sys/y=1\n"
                                  "[sysctl]\nz=${f:uncore_list:0}\n",
                                  &env_kvm);
        const struct profile_entry *e = profile_unit_get_entry(profile_find_unit(p, "sysfs"), "/sys/x");
        assert_string_equal(e->value, "${m}");
        assert_non_null(e->error);
        assert_non_null(strstr(e->error, "cannot be computed: variable 'm' (t.conf:3): variable 'c' (t.conf:2): "
                                         "TuneD function 'package2uncores' is not supported by vpstune"));
        assert_null(profile_unit_get_entry(profile_find_unit(p, "sysfs"), "/sys/y")->error);
        e = profile_unit_get_entry(profile_find_unit(p, "sysctl"), "z");
        assert_non_null(strstr(e->error, "'uncore_list'"));
        assert_true(has_warning(p, "t.conf:8: [sysctl] z=${f:uncore_list:0}: TuneD function 'uncore_list' is "
                                   "not supported by vpstune, ignored"));
        profile_free(p);
}

static void test_virt_check(void **state) {
        (void) state;
        static const char text[] = "[sysctl]\nx=${f:virt_check:virtual:bare}\n";
        struct profile *p = parse(text, &env_kvm);
        assert_string_equal(get(p, "sysctl", "x"), "virtual");
        profile_free(p);
        p = parse(text, &env_bare);
        assert_string_equal(get(p, "sysctl", "x"), "bare");
        profile_free(p);
        p = parse(text, NULL);
        assert_string_equal(get(p, "sysctl", "x"), "bare");
        profile_free(p);
}

static void test_include_builtin(void **state) {
        (void) state;
        struct profile *p = parse("[main]\ninclude=virtual-guest, -does-not-exist\nsummary=child\n"
                                  "[sysctl]\nvm.swappiness=5\n",
                                  &env_kvm);
        assert_string_equal(p->summary, "child");
        assert_string_equal(p->includes_resolved[0], "builtin:throughput-performance");
        assert_string_equal(p->includes_resolved[1], "builtin:virtual-guest");
        assert_null(p->includes_resolved[2]);
        assert_string_equal(get(p, "sysctl", "vm.swappiness"), "5");
        assert_string_equal(get(p, "sysctl", "vm.dirty_ratio"), "30");
        assert_string_equal(get(p, "sysctl", "vm.dirty_background_ratio"), "10");
        const struct profile_entry *e = profile_unit_get_entry(profile_find_unit(p, "sysctl"), "vm.swappiness");
        assert_string_equal(e->file, "t.conf");
        e = profile_unit_get_entry(profile_find_unit(p, "sysctl"), "vm.dirty_ratio");
        assert_string_equal(e->file, "builtin:virtual-guest");
        /* variables of a parent are expanded in the parent's units */
        assert_string_equal(profile_find_unit(p, "vm.thunderx")->cpuinfo_regex,
                            "CPU part\\s+:\\s+(0x0?516)|(0x0?af)|(0x0?a[0-3])|(0x0?b8)\\b");
        profile_free(p);
        /* TuneD: openshift picks its parent with virt_check */
        p = parse("[main]\ninclude=${f:virt_check:virtual-guest:throughput-performance}\n", &env_bare);
        assert_string_equal(p->includes_resolved[0], "builtin:throughput-performance");
        assert_null(p->includes_resolved[1]);
        profile_free(p);
}

/* ---- files on disk ---- */

static char tmpdir[64];

static void write_file(const char *rel, const char *content) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
        for (char *s = strchr(path + strlen(tmpdir) + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = '\0';
                mkdir(path, 0755);
                *s = '/';
        }
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(content, f);
        assert_int_equal(fclose(f), 0);
        chmod(path, 0644);
}

static char *tpath(const char *rel) {
        return xasprintf("%s/%s", tmpdir, rel);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st, (void) flag, (void) ftw;
        return remove(p);
}

static int setup_tmp(void **state) {
        (void) state;
        strcpy(tmpdir, "/tmp/vpstune-profile-XXXXXX");
        assert_non_null(mkdtemp(tmpdir));
        return 0;
}

static int teardown_tmp(void **state) {
        (void) state;
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return 0;
}

static struct profile *load_ok(const char *rel, const struct profile_env *env) {
        _cleanup_free_ char *path = tpath(rel);
        struct profile *p = NULL;
        char *err = NULL;
        int r = profile_load(path, env, &p, &err);
        if (r < 0)
                fail_msg("load '%s' failed (%d): %s", path, r, err);
        return p;
}

static char *load_fail(const char *rel, const struct profile_env *env, int want) {
        _cleanup_free_ char *path = tpath(rel);
        struct profile *p = NULL;
        char *err = NULL;
        int r = profile_load(path, env, &p, &err);
        if (r != want)
                fail_msg("load '%s': r=%d (%s), want %d", path, r, strna(err), want);
        assert_null(p);
        return err;
}

static void test_includes(void **state) {
        (void) state;
        write_file("p/base/tuned.conf", "[main]\nsummary=base\n"
                                        "[variables]\nlevel=1\ncolor=red\n"
                                        "[sysctl]\na=${level}\nb=base\nc=${color}\n"
                                        "[disk]\ndevices=sda\nreadahead=128\nelevator=none\n"
                                        "[gone]\ntype=sysctl\nx=1\ny=2\n"
                                        "[dropper]\ntype=sysctl\nkeep=1\nlose=1\nlose2=1\n");
        write_file("p/child/tuned.conf", "[main]\ninclude=base\n"
                                         "[variables]\nlevel=2\n"
                                         "[sysctl]\nb=child\nd=${color}\n"
                                         "[disk]\nreadahead=4096\n"
                                         "[gone]\nreplace=true\ntype=sysctl\nz=3\n"
                                         "[dropper]\ndrop=lose, lose2\nnew=1\n");
        struct profile *p = load_ok("p/child/tuned.conf", &env_kvm);
        assert_string_equal(p->name, "child");
        assert_string_equal(p->summary, "base");
        _cleanup_free_ char *base = tpath("p/base/tuned.conf");
        assert_string_equal(p->includes_resolved[0], base);
        /* child's variables apply to the parent's units (TuneD merges first) */
        assert_string_equal(get(p, "sysctl", "a"), "2");
        assert_string_equal(get(p, "sysctl", "b"), "child");
        assert_string_equal(get(p, "sysctl", "c"), "red");
        assert_string_equal(get(p, "sysctl", "d"), "red");
        /* key order: parent's first */
        const struct profile_unit *u = profile_find_unit(p, "sysctl");
        assert_string_equal(u->entries[0].key, "a");
        assert_string_equal(u->entries[1].key, "b");
        assert_string_equal(u->entries[3].key, "d");
        /* merged: keys from both; devices reset by the child (TuneD) */
        u = profile_find_unit(p, "disk");
        assert_string_equal(profile_unit_get(u, "readahead"), "4096");
        assert_string_equal(profile_unit_get(u, "elevator"), "none");
        assert_null(u->devices);
        /* replace */
        u = profile_find_unit(p, "gone");
        assert_int_equal(u->n_entries, 1);
        assert_string_equal(profile_unit_get(u, "z"), "3");
        /* drop */
        u = profile_find_unit(p, "dropper");
        assert_int_equal(u->n_entries, 2);
        assert_non_null(profile_unit_get(u, "keep"));
        assert_non_null(profile_unit_get(u, "new"));
        assert_null(profile_unit_get(u, "lose"));
        profile_free(p);

        /* diamond: top includes l and r, both include base: base once */
        write_file("p/l/tuned.conf", "[main]\ninclude=base\n[sysctl]\nb=l\n");
        write_file("p/r/tuned.conf", "[main]\ninclude=base\n[sysctl]\nb=r\n");
        write_file("p/top/tuned.conf", "[main]\ninclude=l;r\n");
        p = load_ok("p/top/tuned.conf", &env_kvm);
        assert_int_equal(strv_length(p->includes_resolved), 3);
        assert_string_equal(get(p, "sysctl", "b"), "r");
        profile_free(p);

        /* vpstune.conf is preferred over tuned.conf in a directory */
        write_file("p/both/tuned.conf", "[sysctl]\nwho=tuned\n");
        write_file("p/both/vpstune.conf", "[sysctl]\nwho=vpstune\n");
        write_file("p/useboth/vpstune.conf", "[main]\ninclude=both\n");
        p = load_ok("p/useboth/vpstune.conf", &env_kvm);
        assert_string_equal(get(p, "sysctl", "who"), "vpstune");
        profile_free(p);

        /* a sibling named like a built-in wins over the built-in */
        write_file("p/virtual-guest/tuned.conf", "[sysctl]\nsibling=1\n");
        write_file("p/usevg/tuned.conf", "[main]\ninclude=virtual-guest\n");
        p = load_ok("p/usevg/tuned.conf", &env_kvm);
        assert_string_equal(get(p, "sysctl", "sibling"), "1");
        assert_null(get(p, "sysctl", "vm.dirty_ratio"));
        profile_free(p);

        /* a file not named tuned.conf: name from the file */
        write_file("p/flat.conf", "[main]\ninclude=-missing\n[sysctl]\nx=${i:PROFILE_NAME}\n");
        p = load_ok("p/flat.conf", &env_kvm);
        assert_string_equal(p->name, "flat");
        assert_string_equal(get(p, "sysctl", "x"), "flat");
        profile_free(p);
}

static void test_include_errors(void **state) {
        (void) state;
        char *err;
        write_file("c/a/tuned.conf", "[main]\ninclude=b\n");
        write_file("c/b/tuned.conf", "[main]\n\ninclude=a\n");
        err = load_fail("c/a/tuned.conf", &env_kvm, -ELOOP);
        assert_non_null(strstr(err, "c/b/tuned.conf:3: include cycle: "));
        assert_non_null(strstr(err, "c/a/tuned.conf -> "));
        assert_non_null(strstr(err, "c/b/tuned.conf -> a"));
        free(err);
        /* self include with nothing else of that name: cycle */
        write_file("c/self/tuned.conf", "[main]\ninclude=self\n");
        err = load_fail("c/self/tuned.conf", &env_kvm, -ELOOP);
        assert_non_null(strstr(err, "include cycle"));
        free(err);
        /* optional include that is a cycle is still a cycle */
        write_file("c/opt/tuned.conf", "[main]\ninclude=-opt\n");
        err = load_fail("c/opt/tuned.conf", &env_kvm, -ELOOP);
        free(err);
        /* missing */
        write_file("c/m/tuned.conf", "[main]\ninclude=nothere\n");
        err = load_fail("c/m/tuned.conf", &env_kvm, -ENOENT);
        assert_non_null(strstr(err, "c/m/tuned.conf:2: include=nothere: profile 'nothere' not found"));
        free(err);
        /* depth limit: a chain of 40 */
        for (int i = 0; i < 40; i++) {
                char rel[64], text[64];
                snprintf(rel, sizeof(rel), "d/n%d/tuned.conf", i);
                snprintf(text, sizeof(text), "[main]\ninclude=n%d\n", i + 1);
                write_file(rel, text);
        }
        write_file("d/n40/tuned.conf", "[sysctl]\nx=1\n");
        err = load_fail("d/n0/tuned.conf", &env_kvm, -ELOOP);
        assert_non_null(strstr(err, "nested deeper than 32"));
        free(err);
        /* syntax error in an included file names that file */
        write_file("c/bad/tuned.conf", "[sysctl]\nok=1\nbroken line\n");
        write_file("c/usebad/tuned.conf", "[main]\ninclude=bad\n");
        err = load_fail("c/usebad/tuned.conf", &env_kvm, -EINVAL);
        assert_non_null(strstr(err, "c/bad/tuned.conf:3: 'broken line': expected KEY=VALUE"));
        free(err);
        /* missing file */
        err = load_fail("c/none/tuned.conf", &env_kvm, -ENOENT);
        free(err);
        /* too big */
        {
                _cleanup_free_ char *path = tpath("c/big.conf");
                FILE *f = fopen(path, "we");
                fputs("[sysctl]\n", f);
                for (int i = 0; i < 120000; i++)
                        fputs("k=123456789\n", f);
                fclose(f);
                err = load_fail("c/big.conf", &env_kvm, -EFBIG);
                assert_non_null(strstr(err, "larger than 1048576 bytes"));
                free(err);
        }
}

static void test_variables_file(void **state) {
        (void) state;
        write_file("v/prof/tuned.conf", "[variables]\ninclude=${i:PROFILE_DIR}/vars.conf\nb=${a}-x\n"
                                        "[sysctl]\nx=${b}\ny=${c}\n");
        write_file("v/prof/vars.conf", "# plain KEY=VALUE, no section\na=1\nnovalue\n[any]\nc=2\n");
        struct profile *p = load_ok("v/prof/tuned.conf", &env_kvm);
        assert_string_equal(get(p, "sysctl", "x"), "1-x");
        assert_string_equal(get(p, "sysctl", "y"), "2");
        profile_free(p);
        /* relative include, and a missing one is a warning (TuneD logs it) */
        write_file("v/rel/tuned.conf", "[variables]\ninclude=../prof/vars.conf\n[sysctl]\nx=${a}\n");
        p = load_ok("v/rel/tuned.conf", &env_kvm);
        assert_string_equal(get(p, "sysctl", "x"), "1");
        profile_free(p);
        write_file("v/miss/tuned.conf", "[variables]\ninclude=/nonexistent/vars.conf\n[sysctl]\nx=1\n");
        p = load_ok("v/miss/tuned.conf", &env_kvm);
        assert_true(has_warning(p, "variables file '/nonexistent/vars.conf' not found, ignored"));
        profile_free(p);
        /* in a buffer nothing is read */
        p = parse("[variables]\ninclude=/etc/x.conf\n", &env_kvm);
        assert_true(has_warning(p, "variables files are not read here"));
        profile_free(p);
}

static void test_cpuinfo_check(void **state) {
        (void) state;
        write_file("root/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                                        "model name\t: AMD EPYC 7763 64-Core Processor\nflags\t\t: fpu hypervisor\n");
        _cleanup_free_ char *root = tpath("root");
        struct sysroot *sr = NULL;
        assert_int_equal(sysroot_open(root, &sr), 0);
        struct profile_env env = { .facts = &kvm_facts, .sr = sr };
        static const struct {
                const char *call, *want;
        } t[] = {
                { "${f:cpuinfo_check:GenuineIntel:intel:AuthenticAMD:amd:other}", "amd" },
                { "${f:cpuinfo_check:GenuineIntel:intel:other}", "other" },
                { "${f:cpuinfo_check:GenuineIntel:intel:Hygon:hygon}", "" },
                { "${f:cpuinfo_check:^flags\\s+\\:.*hypervisor:virt:metal}", "virt" },
                { "${f:cpuinfo_check:model name\\s+\\:.*\\bAMD\\b:amd}", "amd" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *text = xasprintf("[sysctl]\nx=%s\n", t[i].call);
                struct profile *p = parse(text, &env);
                if (!streq(get(p, "sysctl", "x"), t[i].want))
                        fail_msg("%s = '%s', want '%s'", t[i].call, get(p, "sysctl", "x"), t[i].want);
                profile_free(p);
        }
        /* no sysroot: cpuinfo reads as "" (TuneD reads "" on error) */
        struct profile *p = parse("[sysctl]\nx=${f:cpuinfo_check:AMD:amd:none}\n", &env_kvm);
        assert_string_equal(get(p, "sysctl", "x"), "none");
        profile_free(p);
        sysroot_free(sr);
}

static void test_discovery(void **state) {
        (void) state;
        write_file("sr/usr/lib/vpstune/profiles/p1/vpstune.conf", "[main]\nsummary=usr p1\n[sysctl]\nfrom=usr\n");
        write_file("sr/etc/vpstune/profiles/p1/vpstune.conf", "[main]\nsummary=etc p1\n[sysctl]\nfrom=etc\n");
        write_file("sr/usr/lib/vpstune/profiles/p2/tuned.conf", "[main]\nsummary=usr p2\n[sysctl]\nfrom=usr2\n");
        /* /etc extends the built-in of the same name (TuneD's override pattern) */
        write_file("sr/etc/vpstune/profiles/vps-dev/vpstune.conf",
                   "[main]\ninclude=vps-dev\nsummary=local vps-dev\n[sysctl]\nvm.swappiness=100\n");
        write_file("sr/etc/vpstune/profiles/broken/vpstune.conf", "[main]\nsummary=x\n=bad\n");
        _cleanup_free_ char *root = tpath("sr");
        struct sysroot *sr = NULL;
        assert_int_equal(sysroot_open(root, &sr), 0);
        struct profile_env env = { .facts = &kvm_facts, .sr = sr };
        struct profile *p = NULL;
        char *err = NULL;

        assert_int_equal(profile_load("p1", &env, &p, &err), 0);
        assert_string_equal(get(p, "sysctl", "from"), "etc");
        assert_string_equal(p->path, "/etc/vpstune/profiles/p1/vpstune.conf");
        assert_false(p->builtin);
        profile_free(p);
        assert_int_equal(profile_load("p2", &env, &p, &err), 0);
        assert_string_equal(get(p, "sysctl", "from"), "usr2");
        profile_free(p);
        assert_int_equal(profile_load("vps-dev", &env, &p, &err), 0);
        assert_string_equal(p->summary, "local vps-dev");
        assert_string_equal(get(p, "sysctl", "vm.swappiness"), "100");
        assert_string_equal(get(p, "sysctl", "vm.dirty_ratio"), "15");
        assert_string_equal(p->includes_resolved[0], "builtin:vps-dev");
        profile_free(p);
        assert_int_equal(profile_load("virtual-guest", &env, &p, &err), 0);
        assert_true(p->builtin);
        assert_null(p->path);
        profile_free(p);
        p = NULL;
        assert_int_equal(profile_load("nothere", &env, &p, &err), -ENOENT);
        assert_null(p);
        assert_non_null(strstr(err, "profile 'nothere' not found"));
        free(err);
        assert_int_equal(profile_load("../x", &env, &p, &err), -ENOENT); /* contains '/': a path */
        free(err);
        assert_int_equal(profile_load("bad name", &env, &p, &err), -EINVAL);
        free(err);
        assert_int_equal(profile_load("broken", &env, &p, &err), -EINVAL);
        assert_non_null(strstr(err, "/etc/vpstune/profiles/broken/vpstune.conf:3: '=bad': empty key"));
        free(err);

        struct profile_info *l = NULL;
        size_t n = 0;
        assert_int_equal(profile_list(sr, &l, &n), 0);
        /* broken, p1, p2, throughput-performance, virtual-guest, vps-dev */
        assert_int_equal(n, 6);
        assert_string_equal(l[0].name, "broken");
        assert_non_null(l[0].error);
        assert_string_equal(l[1].name, "p1");
        assert_string_equal(l[1].summary, "etc p1");
        assert_int_equal(l[1].origin, PROFILE_ORIGIN_ETC);
        assert_true(l[1].shadows);
        assert_string_equal(l[2].summary, "usr p2");
        assert_int_equal(l[2].origin, PROFILE_ORIGIN_USR);
        assert_false(l[2].shadows);
        assert_string_equal(l[3].name, "throughput-performance");
        assert_int_equal(l[3].origin, PROFILE_ORIGIN_BUILTIN);
        assert_null(l[3].path);
        assert_string_equal(l[5].name, "vps-dev");
        assert_true(l[5].shadows);
        assert_string_equal(profile_origin_to_string(l[5].origin), "etc");
        profile_info_free_many(l, n);

        assert_int_equal(profile_list(NULL, &l, &n), 0);
        assert_int_equal(n, 3);
        assert_string_equal(l[2].summary, "Seed tuning for a KVM VPS used for AI coding and Podman (vpstune)");
        profile_info_free_many(l, n);
        sysroot_free(sr);
}

static void test_owner(void **state) {
        (void) state;
        write_file("o/prof/tuned.conf", "[sysctl]\nx=1\n");
        _cleanup_free_ char *path = tpath("o/prof/tuned.conf");
        struct profile_env env = { .facts = &kvm_facts, .check_owner = true };
        char *err = NULL;
        struct profile *p = NULL;

        if (geteuid() != 0) {
                assert_int_equal(profile_check_file_owner(path, -1, &err), -EPERM);
                assert_non_null(strstr(err, "not root"));
                free(err);
                return;
        }
        assert_int_equal(profile_check_file_owner(path, -1, &err), 0);
        assert_int_equal(profile_load(path, &env, &p, &err), 0);
        profile_free(p);
        p = NULL;
        assert_int_equal(chmod(path, 0664), 0);
        assert_int_equal(profile_check_file_owner(path, -1, &err), -EPERM);
        assert_non_null(strstr(err, "writable by group or others (mode 0664"));
        free(err);
        assert_int_equal(profile_load(path, &env, &p, &err), -EPERM);
        assert_null(p);
        free(err);
        env.check_owner = false;
        assert_int_equal(profile_load(path, &env, &p, &err), 0);
        profile_free(p);
        p = NULL;
        assert_int_equal(chmod(path, 0644), 0);
        assert_int_equal(chown(path, 65534, 65534), 0);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_int_equal(profile_check_file_owner(path, fd, &err), -EPERM);
        close(fd);
        assert_non_null(strstr(err, "owned by uid 65534, not root"));
        free(err);
        /* an included file is checked too */
        assert_int_equal(chown(path, 0, 0), 0);
        write_file("o/child/tuned.conf", "[main]\ninclude=prof\n");
        _cleanup_free_ char *child = tpath("o/child/tuned.conf");
        assert_int_equal(chmod(path, 0666), 0);
        env.check_owner = true;
        assert_int_equal(profile_load(child, &env, &p, &err), -EPERM);
        assert_non_null(strstr(err, "prof/tuned.conf: writable by group or others"));
        free(err);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_values),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_units),
                cmocka_unit_test(test_unimplemented_function),
                cmocka_unit_test(test_virt_check),
                cmocka_unit_test(test_include_builtin),
                cmocka_unit_test(test_includes),
                cmocka_unit_test(test_include_errors),
                cmocka_unit_test(test_variables_file),
                cmocka_unit_test(test_cpuinfo_check),
                cmocka_unit_test(test_discovery),
                cmocka_unit_test(test_owner),
        };
        setup(NULL);
        return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
