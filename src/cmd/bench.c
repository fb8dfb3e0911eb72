/* SPDX-License-Identifier: MIT */
/*
 * vpstune bench: runs workloads on a generated corpus and says, in numbers,
 * whether a setting helps (src/bench). This file parses options, calls
 * bench_run() and writes what it returns.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/journal.h"
#include "bench/bench.h"
#include "cmd/cmd.h"
#include "log.h"
#include "output/atomic.h"
#include "util.h"

static void bench_help(void) {
        printf("Usage: vpstune bench [WORKLOAD...] [--list] [--dir DIR] [--scratch SIZE] [--runs N]\n"
               "                     [--time SECONDS] [--quick] [--ab KNOB=A,B] [--save F.json]\n"
               "                     [--compare F.json|F.html] [--report F.html] [--json]\n"
               "                     [--format text|json|prometheus] [--drop-caches]\n"
               "\n"
               "Measures workloads on a corpus generated from a fixed seed (its sha256 is\n"
               "recorded) and, with --ab or --compare, says per workload whether B is\n"
               "improved, regressed, no-change or inconclusive, with the ratio, a 95 %%\n"
               "bootstrap interval and a Holm-corrected p-value, next to the claim of the\n"
               "seed document it tests. Bare 'bench' runs the default set (about 2 min).\n"
               "\n"
               "      --list            the workloads and what they stand for\n"
               "      --dir DIR         where the corpus lives (default: STATE/bench)\n"
               "      --scratch SIZE    make a btrfs on a loop device (direct I/O) in DIR\n"
               "                        and run there; cold runs unmount and mount it\n"
               "      --runs N          exactly N runs per arm (default: adaptive 10..30)\n"
               "      --time SECONDS    time budget per workload (default 8, --quick 2.5)\n"
               "      --quick           small corpus, short set, 5..10 runs (< 30 s)\n"
               "      --ab KNOB=A,B     switch KNOB between A and B in ABBA blocks, through\n"
               "                        apply's journal; the original value is restored at\n"
               "                        the end ('vpstune rollback' after a kill)\n"
               "      --save F          write the JSON result to F\n"
               "      --compare F       compare with an earlier --save or --report file\n"
               "      --report F.html   a self-contained HTML report (SVG, no script)\n"
               "      --json            the JSON result on stdout (= --format json)\n"
               "      --format FMT      text (default), json, prometheus\n"
               "      --drop-caches     cold runs by the global drop_caches (hurts every\n"
               "                        tenant; default is per-file fadvise)\n"
               "  -h, --help            this help\n"
               "\n"
               "Exit status: 0 done, 1 a workload regressed, 2 usage error, 3 could not\n"
               "measure.\n");
}

static void list_workloads(void) {
        size_t n;
        const struct bench_workload *w = bench_workloads(&n);
        printf("%-16s %-10s %-7s %-7s %-17s %s\n", "WORKLOAD", "UNIT", "BETTER", "SET", "SEED ROW", "WHAT");
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *why = bench_workload_unavailable(&w[i]);
                printf("%-16s %-10s %-7s %-7s %-17s %s%s%s\n", w[i].id, w[i].unit, w[i].higher_is_better ? "higher" : "lower",
                       w[i].in_quick ? "quick" : w[i].in_default ? "default" : "-", w[i].claim ? w[i].claim : "-",
                       w[i].what, why ? " -- unavailable: " : "", why ? why : "");
        }
}

static void progress(void *userdata, const char *workload, unsigned i, unsigned n, double eta) {
        (void) userdata;
        fprintf(stderr, "\r\033[Kbench: %s run %u/%u%s", workload, i, n, "");
        if (eta > 0)
                fprintf(stderr, ", ETA %.0f s", eta);
        fflush(stderr);
}

enum { OPT_LIST = 256, OPT_DIR, OPT_SCRATCH, OPT_RUNS, OPT_TIME, OPT_QUICK, OPT_AB, OPT_SAVE, OPT_COMPARE,
       OPT_REPORT, OPT_JSON, OPT_FORMAT, OPT_DROP };

static int write_out(const char *path, const char *text) {
        int r = output_write_atomic(path, text, strlen(text), 0644);
        if (r < 0)
                log_error_errno(r, "bench: cannot write '%s': %m", path);
        return r;
}

CMD(bench) {
        static const struct option opts[] = {
                { "list", no_argument, NULL, OPT_LIST },         { "dir", required_argument, NULL, OPT_DIR },
                { "scratch", required_argument, NULL, OPT_SCRATCH }, { "runs", required_argument, NULL, OPT_RUNS },
                { "time", required_argument, NULL, OPT_TIME },   { "quick", no_argument, NULL, OPT_QUICK },
                { "ab", required_argument, NULL, OPT_AB },       { "save", required_argument, NULL, OPT_SAVE },
                { "compare", required_argument, NULL, OPT_COMPARE }, { "report", required_argument, NULL, OPT_REPORT },
                { "json", no_argument, NULL, OPT_JSON },         { "format", required_argument, NULL, OPT_FORMAT },
                { "drop-caches", no_argument, NULL, OPT_DROP },  { "help", no_argument, NULL, 'h' },
                {},
        };
        struct bench_opts o = { .sr = ctx->sr };
        const char *save = NULL, *report = NULL, *format = "text";
        bool list = false;
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        bench_help();
                        return EXIT_OK;
                case OPT_LIST:
                        list = true;
                        break;
                case OPT_DIR:
                        o.dir = optarg;
                        break;
                case OPT_SCRATCH:
                        if (parse_size(optarg, &o.scratch_size) < 0 || o.scratch_size < (256u << 20)) {
                                log_error("bench: --scratch '%s': expected a size of at least 256M", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case OPT_RUNS:
                        if (safe_atou(optarg, &o.runs) < 0 || o.runs < 2 || o.runs > 200) {
                                log_error("bench: --runs '%s': expected a number from 2 to 200", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case OPT_TIME: {
                        char *end;
                        errno = 0;
                        o.time_budget = strtod(optarg, &end);
                        if (errno || *end || !(o.time_budget > 0) || o.time_budget > 86400) {
                                log_error("bench: --time '%s': expected seconds", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                }
                case OPT_QUICK:
                        o.quick = true;
                        break;
                case OPT_AB:
                        o.ab = optarg;
                        break;
                case OPT_SAVE:
                        save = optarg;
                        break;
                case OPT_COMPARE:
                        o.compare = optarg;
                        break;
                case OPT_REPORT:
                        report = optarg;
                        break;
                case OPT_JSON:
                        format = "json";
                        break;
                case OPT_FORMAT:
                        if (!streq(optarg, "text") && !streq(optarg, "json") && !streq(optarg, "prometheus")) {
                                log_error("bench: --format '%s': expected text, json or prometheus", optarg);
                                return EXIT_USAGE;
                        }
                        format = optarg;
                        break;
                case OPT_DROP:
                        o.drop_caches = true;
                        break;
                default:
                        return EXIT_USAGE;
                }
        }
        if (list) {
                list_workloads();
                return EXIT_OK;
        }
        _cleanup_strv_ char **wl = NULL;
        for (int i = optind; i < argc; i++) {
                if (!bench_workload_find(argv[i])) {
                        log_error("bench: unknown workload '%s' (see 'vpstune bench --list')", argv[i]);
                        return EXIT_USAGE;
                }
                strv_push(&wl, argv[i]);
        }
        o.workloads = wl;
        if (o.ab && o.compare) {
                log_error("bench: --ab and --compare: one comparison at a time");
                return EXIT_USAGE;
        }
        if (o.ab) {
                _cleanup_free_ char *k = NULL, *a = NULL, *b = NULL;
                const char *why;
                int r = bench_ab_parse(o.ab, &k, &a, &b, &why);
                if (r < 0) {
                        log_error("bench: --ab '%s': %s", o.ab, why);
                        return EXIT_USAGE;
                }
        }
        if (!sysroot_is_live(ctx->sr)) {
                log_error("bench: measures the running machine; it cannot run with --root");
                return EXIT_USAGE;
        }
        _cleanup_free_ char *state_dir = ctx->state_dir ? xstrdup(ctx->state_dir) : journal_default_state_dir(ctx->root);
        o.state_dir = state_dir;
        if (!o.dir) {
                int fd, r = journal_state_open(state_dir, true, &fd);
                if (r < 0) {
                        log_error_errno(r, "bench: cannot use the state directory '%s': %m (give --dir DIR)", state_dir);
                        return EXIT_UNKNOWN;
                }
                close(fd);
        }
        if (ctx->progress && ctx->verbosity >= 0) {
                o.progress = progress;
        }

        struct bench_results res = { 0 };
        _cleanup_free_ char *why = NULL;
        int r = bench_run(&o, &res, &why);
        if (ctx->progress && o.progress)
                fputs("\r\033[K", stderr);
        if (r < 0 && r != -ENODATA) {
                log_error("bench: %s", why ? why : strerror(-r));
                return r == -EINVAL ? EXIT_USAGE : EXIT_UNKNOWN;
        }

        int code = EXIT_OK;
        for (size_t i = 0; i < res.n_wl; i++)
                if (res.wl[i].has_cmp && res.wl[i].cmp.decision.verdict == BENCH_REGRESSED)
                        code = EXIT_FINDINGS;
        if (r == -ENODATA)
                code = EXIT_UNKNOWN;
        if (res.compare_file && !res.comparable) {
                log_warning("bench: '%s' was measured on a different machine or setup (\"comparable\": false)",
                            res.compare_file);
        }

        if (save) {
                _cleanup_free_ char *j = bench_results_to_json(&res, true);
                if (write_out(save, j) < 0)
                        code = EXIT_UNKNOWN;
        }
        if (report) {
                _cleanup_free_ char *h = bench_results_to_html(&res);
                if (write_out(report, h) < 0)
                        code = EXIT_UNKNOWN;
        }
        _cleanup_free_ char *out = streq(format, "json")         ? bench_results_to_json(&res, isatty(STDOUT_FILENO))
                                   : streq(format, "prometheus") ? bench_results_to_prometheus(&res)
                                                                 : bench_results_to_text(&res);
        fputs(out, stdout);
        if (r == -ENODATA)
                log_error("bench: no workload could run here");
        bench_results_done(&res);
        if (fflush(stdout) != 0 || ferror(stdout)) {
                log_error("bench: cannot write the output");
                return EXIT_UNKNOWN;
        }
        return code;
}
