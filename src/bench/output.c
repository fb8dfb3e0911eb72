/* SPDX-License-Identifier: MIT */
/*
 * bench results as data for the outside: the JSON document (vpstune(8),
 * "BENCH JSON"), Prometheus textfile lines, the text table, and reading an
 * earlier JSON (or the JSON embedded in an HTML report) back for --compare.
 * Nothing here prints; callers get strings.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "bench/report.h"
#include "util.h"

static struct json_object *num(double v) {
        return isfinite(v) ? json_object_new_double(v) : NULL;
}

static struct json_object *stats_json(const struct bench_summary *s) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "n", json_object_new_int((int) s->n));
        json_object_object_add(o, "median", num(s->median));
        json_object_object_add(o, "mean", num(s->mean));
        json_object_object_add(o, "stddev", num(s->stddev));
        json_object_object_add(o, "mad", num(s->mad));
        json_object_object_add(o, "min", num(s->min));
        json_object_object_add(o, "max", num(s->max));
        json_object_object_add(o, "p10", num(s->p10));
        json_object_object_add(o, "p90", num(s->p90));
        json_object_object_add(o, "cv", num(s->cv));
        json_object_object_add(o, "outliers", json_object_new_int((int) s->n_outliers));
        json_object_object_add(o, "slow_first_run", json_object_new_boolean(s->slow_first));
        return o;
}

static struct json_object *sample_json(const struct bench_sample *s) {
        struct json_object *o = json_object_new_object();
        char arm[2] = { s->arm, 0 };
        json_object_object_add(o, "value", num(s->value));
        json_object_object_add(o, "arm", s->arm ? json_object_new_string(arm) : NULL);
        json_object_object_add(o, "order", json_object_new_int((int) s->order));
        json_object_object_add(o, "wall_s", num(s->wall_s));
        json_object_object_add(o, "user_s", num(s->user_s));
        json_object_object_add(o, "sys_s", num(s->sys_s));
        json_object_object_add(o, "maxrss_kb", json_object_new_int64(s->maxrss_kb));
        json_object_object_add(o, "majflt", json_object_new_int64(s->majflt));
        json_object_object_add(o, "read_bytes", s->read_bytes >= 0 ? json_object_new_int64(s->read_bytes) : NULL);
        json_object_object_add(o, "write_bytes", s->write_bytes >= 0 ? json_object_new_int64(s->write_bytes) : NULL);
        json_object_object_add(o, "steal", num(s->steal));
        json_object_object_add(o, "psi_cpu_some", num(s->psi_cpu));
        json_object_object_add(o, "psi_io_some", num(s->psi_io));
        json_object_object_add(o, "psi_memory_some", num(s->psi_mem));
        json_object_object_add(o, "p99_us", num(s->p99_us));
        json_object_object_add(o, "noisy", json_object_new_boolean(s->noisy));
        json_object_object_add(o, "outlier", json_object_new_boolean(s->outlier));
        return o;
}

static const struct bench_claim *claim_of(const struct bench_workload *w) {
        size_t n;
        const struct bench_claim *c = bench_claims(&n);
        for (size_t i = 0; w->claim && i < n; i++)
                if (streq(c[i].row, w->claim))
                        return &c[i];
        return NULL;
}

static struct json_object *claim_json(const struct bench_wl_result *r) {
        const struct bench_claim *c = claim_of(r->w);
        if (!c)
                return NULL;
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "row", json_object_new_string(c->row));
        struct json_object *range = json_object_new_array();
        json_object_array_add(range, json_object_new_double(c->lo));
        json_object_array_add(range, json_object_new_double(c->hi));
        json_object_object_add(o, "seed_improvement", range);
        json_object_object_add(o, "seed_credits", json_object_new_string(c->credited));
        json_object_object_add(o, "status", json_object_new_string(bench_claim_status(r)));
        if (r->has_cmp)
                json_object_object_add(o, "measured_improvement",
                                       num(bench_improvement(r->cmp.ratio, r->w->higher_is_better)));
        return o;
}

static struct json_object *parse_obj(const char *s) {
        return s ? json_tokener_parse(s) : NULL;
}

static struct json_object *results_json(const struct bench_results *r) {
        struct json_object *doc = json_object_new_object();
        json_object_object_add(doc, "schema_version", json_object_new_int(BENCH_SCHEMA_VERSION));
        json_object_object_add(doc, "host", parse_obj(r->host_json));
        json_object_object_add(doc, "settings", parse_obj(r->settings_json));
        if (r->has_ab) {
                struct json_object *ab = json_object_new_object();
                json_object_object_add(ab, "knob", json_object_new_string(r->ab.knob));
                json_object_object_add(ab, "a", json_object_new_string(r->ab.a));
                json_object_object_add(ab, "b", json_object_new_string(r->ab.b));
                json_object_object_add(ab, "original", r->ab.orig ? json_object_new_string(r->ab.orig) : NULL);
                json_object_object_add(ab, "switch", json_object_new_string(r->ab.switch_kind));
                json_object_object_add(ab, "switches", json_object_new_int((int) r->ab.switches));
                json_object_object_add(ab, "design", json_object_new_string("ABBA blocks, one discarded settle run "
                                                                             "after each switch, adjacent pairs"));
                json_object_object_add(doc, "ab", ab);
        }
        if (r->compare_file) {
                struct json_object *c = json_object_new_object();
                json_object_object_add(c, "file", json_object_new_string(r->compare_file));
                json_object_object_add(c, "comparable", json_object_new_boolean(r->comparable));
                struct json_object *d = json_object_new_array();
                for (char **p = r->differs; p && *p; p++)
                        json_object_array_add(d, json_object_new_string(*p));
                json_object_object_add(c, "differs", d);
                json_object_object_add(doc, "compare", c);
        }
        struct json_object *wls = json_object_new_array(), *cmps = json_object_new_array();
        for (size_t i = 0; i < r->n_wl; i++) {
                const struct bench_wl_result *w = &r->wl[i];
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "id", json_object_new_string(w->w->id));
                json_object_object_add(o, "unit", json_object_new_string(w->w->unit));
                json_object_object_add(o, "better", json_object_new_string(w->w->higher_is_better ? "higher" : "lower"));
                json_object_object_add(o, "what", json_object_new_string(w->w->what));
                json_object_object_add(o, "available", json_object_new_boolean(!w->unavailable));
                if (w->unavailable)
                        json_object_object_add(o, "unavailable", json_object_new_string(w->unavailable));
                struct json_object *corp = json_object_new_object();
                json_object_object_add(corp, "sha256", w->corpus_sha256 ? json_object_new_string(w->corpus_sha256) : NULL);
                json_object_object_add(corp, "cold", json_object_new_string(bench_cold_to_string(w->cold)));
                json_object_object_add(o, "corpus", corp);
                if (w->note)
                        json_object_object_add(o, "note", json_object_new_string(w->note));
                json_object_object_add(o, "settle_runs", json_object_new_int((int) w->n_settle));
                struct json_object *sa = json_object_new_array();
                for (size_t k = 0; k < w->n_samples; k++)
                        json_object_array_add(sa, sample_json(&w->samples[k]));
                json_object_object_add(o, "samples", sa);
                json_object_object_add(o, "stats", w->have_stats[0] ? stats_json(&w->stats[0]) : NULL);
                if (r->has_ab) {
                        struct json_object *arms = json_object_new_object();
                        json_object_object_add(arms, "A", w->have_stats[0] ? stats_json(&w->stats[0]) : NULL);
                        json_object_object_add(arms, "B", w->have_stats[1] ? stats_json(&w->stats[1]) : NULL);
                        json_object_object_add(o, "arms", arms);
                }
                for (int arm = 0; arm < 2; arm++) {
                        if (isnan(w->lat[arm][0]) || (!w->have_stats[arm]))
                                continue;
                        struct json_object *l = json_object_new_array();
                        for (size_t k = 0; k < BENCH_LAT_POINTS; k++)
                                json_object_array_add(l, num(w->lat[arm][k]));
                        json_object_object_add(o, arm ? "latency_us_b" : "latency_us", l);
                }
                json_object_array_add(wls, o);

                if (!w->has_cmp)
                        continue;
                struct json_object *c = json_object_new_object();
                json_object_object_add(c, "workload", json_object_new_string(w->w->id));
                json_object_object_add(c, "ratio", num(w->cmp.ratio));
                struct json_object *ci = json_object_new_array();
                json_object_array_add(ci, num(w->cmp.ci[0]));
                json_object_array_add(ci, num(w->cmp.ci[1]));
                json_object_object_add(c, "ci", ci);
                json_object_object_add(c, "p_value", num(w->cmp.p_adj));
                json_object_object_add(c, "p_value_raw", num(w->cmp.p));
                json_object_object_add(c, "test", json_object_new_string(w->cmp.test));
                json_object_object_add(c, "paired", json_object_new_boolean(w->cmp.paired));
                json_object_object_add(c, "n", json_object_new_int((int) w->cmp.n_b));
                json_object_object_add(c, "verdict",
                                       json_object_new_string(bench_verdict_to_string(w->cmp.decision.verdict)));
                if (w->cmp.decision.verdict == BENCH_INCONCLUSIVE)
                        json_object_object_add(c, "more_runs", w->cmp.decision.more_runs
                                                                      ? json_object_new_int((int) w->cmp.decision.more_runs)
                                                                      : NULL);
                json_object_object_add(c, "claim", claim_json(w));
                json_object_array_add(cmps, c);
        }
        json_object_object_add(doc, "workloads", wls);
        json_object_object_add(doc, "comparisons", cmps);
        return doc;
}

char *bench_results_to_json(const struct bench_results *r, bool pretty) {
        struct json_object *doc = results_json(r);
        char *s = xasprintf("%s\n", json_object_to_json_string_ext(
                                            doc, (pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN) |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(doc);
        return s;
}

static void prom_escape(FILE *f, const char *s) {
        for (; *s; s++) {
                if (*s == '\\' || *s == '"')
                        fputc('\\', f);
                if (*s == '\n')
                        fputs("\\n", f);
                else
                        fputc(*s, f);
        }
}

char *bench_results_to_prometheus(const struct bench_results *r) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                abort();
        const char *variant = r->has_ab ? r->ab.knob : r->compare_file ? "compare" : "none";
        fputs("# HELP vpstune_bench_median Median of the workload's runs, in its unit.\n"
              "# TYPE vpstune_bench_median gauge\n", f);
        for (size_t i = 0; i < r->n_wl; i++) {
                const struct bench_wl_result *w = &r->wl[i];
                for (int arm = 0; arm < 2; arm++) {
                        if (!w->have_stats[arm])
                                continue;
                        fputs("vpstune_bench_median{workload=\"", f);
                        prom_escape(f, w->w->id);
                        fprintf(f, "\",unit=\"%s\",arm=\"%s\"} %.9g\n", w->w->unit, r->has_ab ? (arm ? "B" : "A") : "",
                                w->stats[arm].median);
                }
        }
        fputs("# HELP vpstune_bench_ratio B/A ratio of the workload's measure.\n"
              "# TYPE vpstune_bench_ratio gauge\n", f);
        for (int pass = 0; pass < 4; pass++) {
                static const char *const names[] = { "ratio", "ci_low", "ci_high", "p_value" };
                if (pass > 0)
                        fprintf(f, "# TYPE vpstune_bench_%s gauge\n", names[pass]);
                for (size_t i = 0; i < r->n_wl; i++) {
                        const struct bench_wl_result *w = &r->wl[i];
                        if (!w->has_cmp)
                                continue;
                        double v = pass == 0 ? w->cmp.ratio : pass == 1 ? w->cmp.ci[0] : pass == 2 ? w->cmp.ci[1] : w->cmp.p_adj;
                        fprintf(f, "vpstune_bench_%s{workload=\"", names[pass]);
                        prom_escape(f, w->w->id);
                        fputs("\",variant=\"", f);
                        prom_escape(f, variant);
                        fprintf(f, "\"} %.9g\n", v);
                }
        }
        fputs("# TYPE vpstune_bench_verdict gauge\n", f);
        for (size_t i = 0; i < r->n_wl; i++) {
                const struct bench_wl_result *w = &r->wl[i];
                if (!w->has_cmp)
                        continue;
                fputs("vpstune_bench_verdict{workload=\"", f);
                prom_escape(f, w->w->id);
                fputs("\",variant=\"", f);
                prom_escape(f, variant);
                fprintf(f, "\",verdict=\"%s\"} 1\n", bench_verdict_to_string(w->cmp.decision.verdict));
        }
        fclose(f);
        return buf;
}

static const char *fmt_num(char *b, size_t n, double v) {
        if (!isfinite(v))
                snprintf(b, n, "-");
        else if (fabs(v) >= 1000)
                snprintf(b, n, "%.0f", v);
        else if (fabs(v) >= 10)
                snprintf(b, n, "%.1f", v);
        else if (fabs(v) >= 0.01)
                snprintf(b, n, "%.3f", v);
        else
                snprintf(b, n, "%.2e", v);
        return b;
}

char *bench_results_to_text(const struct bench_results *r) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                abort();
        char a[32], b[32], c[32];
        if (r->has_ab)
                fprintf(f, "A/B %s: A=%s B=%s (original %s; switch: %s; %u switches)\n", r->ab.knob, r->ab.a,
                        r->ab.b, r->ab.orig ? r->ab.orig : "(not set)", r->ab.switch_kind, r->ab.switches);
        if (r->compare_file) {
                fprintf(f, "compared with %s: %s\n", r->compare_file, r->comparable ? "comparable" : "NOT comparable");
                for (char **p = r->differs; p && *p; p++)
                        fprintf(f, "  differs: %s\n", *p);
        }
        fprintf(f, "%-16s %-10s %4s %10s %8s %8s %s\n", "WORKLOAD", "UNIT", "N", "MEDIAN", "MAD", "CV", "NOTES");
        for (size_t i = 0; i < r->n_wl; i++) {
                const struct bench_wl_result *w = &r->wl[i];
                if (w->unavailable) {
                        fprintf(f, "%-16s %-10s %4s %10s %8s %8s unavailable: %s\n", w->w->id, w->w->unit, "-", "-",
                                "-", "-", w->unavailable);
                        continue;
                }
                for (int arm = 0; arm < 2; arm++) {
                        if (!w->have_stats[arm])
                                continue;
                        const struct bench_summary *s = &w->stats[arm];
                        char id[64];
                        snprintf(id, sizeof id, "%s%s", w->w->id, r->has_ab ? (arm ? " [B]" : " [A]") : "");
                        size_t noisy = 0;
                        for (size_t k = 0; k < w->n_samples; k++)
                                noisy += w->samples[k].noisy;
                        fprintf(f, "%-16s %-10s %4zu %10s %8s %7.1f%% %s%s%s%s%s\n", id, w->w->unit, s->n,
                                fmt_num(a, sizeof a, s->median), fmt_num(b, sizeof b, s->mad), s->cv * 100,
                                w->cold != BENCH_COLD_NONE ? "cold " : "", s->n_outliers ? "outliers " : "",
                                s->slow_first ? "slow-first-run " : "", noisy && arm == 0 ? "noisy-runs " : "",
                                arm == 0 && w->note ? w->note : "");
                }
        }
        bool any = false;
        for (size_t i = 0; i < r->n_wl; i++)
                any |= r->wl[i].has_cmp;
        if (any) {
                fprintf(f, "\n%-16s %8s %19s %9s %-13s %-20s %s\n", "WORKLOAD", "RATIO", "95% CI", "P (HOLM)", "VERDICT",
                        "SEED CLAIM", "STATUS");
                for (size_t i = 0; i < r->n_wl; i++) {
                        const struct bench_wl_result *w = &r->wl[i];
                        if (!w->has_cmp)
                                continue;
                        const struct bench_claim *cl = claim_of(w->w);
                        char claim[64] = "-", verdict[64];
                        if (cl)
                                snprintf(claim, sizeof claim, "%s %.0f-%.0f%%", cl->row, cl->lo * 100, cl->hi * 100);
                        snprintf(verdict, sizeof verdict, "%s", bench_verdict_to_string(w->cmp.decision.verdict));
                        if (w->cmp.decision.verdict == BENCH_INCONCLUSIVE && w->cmp.decision.more_runs)
                                snprintf(verdict, sizeof verdict, "inconclusive (~%u more runs)",
                                         w->cmp.decision.more_runs);
                        fprintf(f, "%-16s %8.4f [%8.4f, %8.4f] %9s %-13s %-20s %s\n", w->w->id, w->cmp.ratio,
                                w->cmp.ci[0], w->cmp.ci[1], fmt_num(c, sizeof c, w->cmp.p_adj), verdict, claim,
                                bench_claim_status(w));
                }
        }
        fclose(f);
        return buf;
}

/* ---- reading an earlier result -------------------------------------------- */

static char *read_all(const char *path, char **why) {
        FILE *f = fopen(path, "re");
        if (!f) {
                *why = xasprintf("cannot open '%s': %m", path);
                return NULL;
        }
        char *buf = NULL;
        size_t len = 0, cap = 0;
        for (;;) {
                if (len + 65536 > cap)
                        buf = xrealloc(buf, cap = cap * 2 + 65536);
                size_t k = fread(buf + len, 1, cap - len - 1, f);
                len += k;
                if (k == 0)
                        break;
                if (len > 256u << 20)
                        break;
        }
        fclose(f);
        buf[len] = 0;
        return buf;
}

int bench_load_previous(const char *path, struct bench_results *ret, char **ret_why) {
        _cleanup_free_ char *text = read_all(path, ret_why);
        if (!text)
                return -ENOENT;
        _cleanup_free_ char *json = bench_report_extract_json(text);
        struct json_object *doc = json_tokener_parse(json ? json : text), *v, *wls;
        if (!doc || !json_object_object_get_ex(doc, "schema_version", &v) ||
            json_object_get_int(v) != BENCH_SCHEMA_VERSION || !json_object_object_get_ex(doc, "workloads", &wls) ||
            !json_object_is_type(wls, json_type_array)) {
                json_object_put(doc);
                *ret_why = xasprintf("'%s' is not a vpstune bench result (schema_version %d)", path,
                                     BENCH_SCHEMA_VERSION);
                return -EINVAL;
        }
        struct bench_results r = { 0 };
        struct json_object *host = NULL;
        if (json_object_object_get_ex(doc, "host", &host))
                r.host_json = xstrdup(json_object_to_json_string_ext(host, JSON_C_TO_STRING_PLAIN));
        bool ab = json_object_object_get_ex(doc, "ab", &v) && v;
        size_t n = json_object_array_length(wls);
        r.wl = xcalloc(n + 1, sizeof *r.wl);
        for (size_t i = 0; i < n; i++) {
                struct json_object *o = json_object_array_get_idx(wls, i), *id, *samples, *corp, *sha;
                if (!json_object_object_get_ex(o, "id", &id))
                        continue;
                const struct bench_workload *w = bench_workload_find(json_object_get_string(id));
                if (!w || !json_object_object_get_ex(o, "samples", &samples))
                        continue;
                struct bench_wl_result *wr = &r.wl[r.n_wl++];
                wr->w = w;
                if (json_object_object_get_ex(o, "corpus", &corp) && json_object_object_get_ex(corp, "sha256", &sha) &&
                    sha)
                        wr->corpus_sha256 = xstrdup(json_object_get_string(sha));
                size_t ns = json_object_array_length(samples);
                wr->samples = xcalloc(ns + 1, sizeof *wr->samples);
                for (size_t k = 0; k < ns; k++) {
                        struct json_object *s = json_object_array_get_idx(samples, k), *val, *arm;
                        if (!json_object_object_get_ex(s, "value", &val) || !val)
                                continue;
                        /* With --ab the B arm is the "after" of that run. */
                        if (ab && (!json_object_object_get_ex(s, "arm", &arm) || !arm ||
                                   !streq(json_object_get_string(arm), "B")))
                                continue;
                        double x = json_object_get_double(val);
                        if (!(x > 0))
                                continue;
                        wr->samples[wr->n_samples++].value = x;
                }
        }
        json_object_put(doc);
        *ret = r;
        return 0;
}
