/* SPDX-License-Identifier: MIT */
/*
 * --report F.html: one self-contained page. Inline SVG only, no script, no
 * external URL (not even a font). The JSON result is embedded HTML-escaped
 * in <pre id="vpstune-bench-json" hidden>, so the report itself can be given
 * to --compare.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "bench/report.h"
#include "util.h"

#define JSON_OPEN "<pre id=\"vpstune-bench-json\" hidden>"
#define JSON_CLOSE "</pre>"

static void esc(FILE *f, const char *s) {
        for (; s && *s; s++)
                switch (*s) {
                case '&':
                        fputs("&amp;", f);
                        break;
                case '<':
                        fputs("&lt;", f);
                        break;
                case '>':
                        fputs("&gt;", f);
                        break;
                case '"':
                        fputs("&quot;", f);
                        break;
                default:
                        fputc(*s, f);
                }
}

char *bench_report_extract_json(const char *html) {
        const char *a = strstr(html, JSON_OPEN);
        if (!a)
                return NULL;
        a += strlen(JSON_OPEN);
        const char *b = strstr(a, JSON_CLOSE);
        if (!b)
                return NULL;
        char *out = xmalloc((size_t) (b - a) + 1), *o = out;
        while (a < b) {
                static const struct {
                        const char *e;
                        char c;
                } ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' } };
                bool done = false;
                for (size_t i = 0; i < ELEMENTSOF(ents) && !done; i++) {
                        size_t l = strlen(ents[i].e);
                        if (strncmp(a, ents[i].e, l) == 0) {
                                *o++ = ents[i].c;
                                a += l;
                                done = true;
                        }
                }
                if (!done)
                        *o++ = *a++;
        }
        *o = 0;
        return out;
}

static const char *verdict_color(enum bench_verdict v) {
        switch (v) {
        case BENCH_IMPROVED:
                return "#1a7f37";
        case BENCH_REGRESSED:
                return "#cf222e";
        case BENCH_NO_CHANGE:
                return "#57606a";
        default:
                return "#9a6700";
        }
}

static void range_of(const struct bench_wl_result *w, double *lo, double *hi) {
        *lo = INFINITY;
        *hi = -INFINITY;
        for (size_t i = 0; i < w->n_samples; i++) {
                *lo = fmin(*lo, w->samples[i].value);
                *hi = fmax(*hi, w->samples[i].value);
        }
        if (*hi <= *lo) {
                *lo -= fabs(*lo) * 0.05 + 1e-9;
                *hi += fabs(*hi) * 0.05 + 1e-9;
        }
        double pad = (*hi - *lo) * 0.08;
        *lo -= pad;
        *hi += pad;
}

static const char *arm_color(char arm) {
        return arm == 'B' ? "#d1242f" : "#0969da";
}

/* Dot plot: one row per arm, dots at the values, a bar at the median. */
static void dot_plot(FILE *f, const struct bench_results *r, const struct bench_wl_result *w) {
        double lo, hi;
        range_of(w, &lo, &hi);
        int rows = r->has_ab ? 2 : 1, W = 560, H = 30 + 34 * rows, L = 40, R = 20;
        fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W, H, W, H);
        fprintf(f, "<title>%s: every run, median bar</title>\n", w->w->id);
        for (int row = 0; row < rows; row++) {
                char arm = r->has_ab ? (row ? 'B' : 'A') : 0;
                double y = 20 + 34 * row;
                fprintf(f, "<text x=\"4\" y=\"%.0f\" font-size=\"12\">%s</text>\n", y + 4, arm == 'B' ? "B" : arm ? "A" : "");
                fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#d0d7de\"/>\n", L, W - R, y, y);
                for (size_t i = 0; i < w->n_samples; i++) {
                        const struct bench_sample *s = &w->samples[i];
                        if (s->arm != arm)
                                continue;
                        double x = L + (s->value - lo) / (hi - lo) * (W - L - R);
                        double jitter = ((double) (i % 5) - 2) * 2.5;
                        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" fill-opacity=\"%.1f\"%s/>\n", x,
                                y + jitter, arm_color(arm), s->noisy ? 0.3 : 0.75,
                                s->outlier ? " stroke=\"#000\" stroke-width=\"1\"" : "");
                }
                int k = row;
                if (w->have_stats[k]) {
                        double x = L + (w->stats[k].median - lo) / (hi - lo) * (W - L - R);
                        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#000\" stroke-width=\"2\"/>\n",
                                x, x, y - 12, y + 12);
                }
        }
        /* Axis labels. */
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%.4g</text>\n", L, H - 4, lo);
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.4g %s</text>\n", W - R, H - 4, hi,
                w->w->unit);
        fputs("</svg>\n", f);
}

/* Run order: value against position in the sequence (drift shows). */
static void order_plot(FILE *f, const struct bench_wl_result *w) {
        double lo, hi;
        range_of(w, &lo, &hi);
        unsigned omin = UINT32_MAX, omax = 0;
        for (size_t i = 0; i < w->n_samples; i++) {
                omin = w->samples[i].order < omin ? w->samples[i].order : omin;
                omax = w->samples[i].order > omax ? w->samples[i].order : omax;
        }
        if (omax <= omin)
                omax = omin + 1;
        int W = 560, H = 140, L = 40, R = 20, T = 10, B = 24;
        fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W, H, W, H);
        fprintf(f, "<title>%s: value by run order; steal (grey) and CPU/IO pressure (orange) bars</title>\n", w->w->id);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#d0d7de\"/>\n", L, T,
                W - L - R, H - T - B);
        for (size_t i = 0; i < w->n_samples; i++) {
                const struct bench_sample *s = &w->samples[i];
                double x = L + (double) (s->order - omin) / (omax - omin) * (W - L - R);
                double y = T + (1 - (s->value - lo) / (hi - lo)) * (H - T - B);
                /* steal and PSI as bars from the bottom, full height = 20 %. */
                double st = isnan(s->steal) ? 0 : fmin(s->steal / 0.2, 1);
                double ps = fmax(isnan(s->psi_cpu) ? 0 : s->psi_cpu, isnan(s->psi_io) ? 0 : s->psi_io);
                ps = fmin(ps / 0.2, 1) * 0.5;
                if (st > 0)
                        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"%.1f\" fill=\"#8c959f\"/>\n", x - 3,
                                H - B - st * (H - T - B), st * (H - T - B));
                if (ps > 0)
                        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"%.1f\" fill=\"#fb8f44\"/>\n", x,
                                H - B - ps * (H - T - B), ps * (H - T - B));
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", x, y, arm_color(s->arm));
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">run %u</text>\n", L, H - 8, omin);
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">run %u</text>\n", W - R, H - 8, omax);
        fprintf(f, "<text x=\"2\" y=\"%d\" font-size=\"10\">%.3g</text>\n", T + 10, hi);
        fprintf(f, "<text x=\"2\" y=\"%d\" font-size=\"10\">%.3g</text>\n", H - B, lo);
        fputs("</svg>\n", f);
}

static void cdf_plot(FILE *f, const struct bench_results *r, const struct bench_wl_result *w) {
        double mx = 0;
        for (int a = 0; a < 2; a++)
                for (size_t k = 0; k < BENCH_LAT_POINTS; k++)
                        if (isfinite(w->lat[a][k]))
                                mx = fmax(mx, w->lat[a][k]);
        if (!(mx > 0))
                return;
        int W = 560, H = 160, L = 40, R = 20, T = 10, B = 24;
        fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W, H, W, H);
        fprintf(f, "<title>%s: latency distribution (quantiles of the last run per arm)</title>\n", w->w->id);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#d0d7de\"/>\n", L, T,
                W - L - R, H - T - B);
        for (int a = 0; a < (r->has_ab ? 2 : 1); a++) {
                if (!isfinite(w->lat[a][0]))
                        continue;
                fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", arm_color(a ? 'B' : 'A'));
                for (size_t k = 0; k < BENCH_LAT_POINTS; k++) {
                        double q = k + 1 < BENCH_LAT_POINTS ? (double) k * 0.05 : 0.99;
                        double x = L + w->lat[a][k] / mx * (W - L - R), y = T + (1 - q) * (H - T - B);
                        fprintf(f, "%.1f,%.1f ", x, y);
                }
                fputs("\"/>\n", f);
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0</text>\n", L, H - 8);
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.0f us</text>\n", W - R, H - 8, mx);
        fprintf(f, "<text x=\"2\" y=\"%d\" font-size=\"10\">p99</text>\n", T + 6);
        fprintf(f, "<text x=\"2\" y=\"%d\" font-size=\"10\">p0</text>\n", H - B);
        fputs("</svg>\n", f);
}

char *bench_results_to_html(const struct bench_results *r) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                abort();
        fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>vpstune bench report</title>\n"
              "<style>body{font-family:sans-serif;max-width:1000px;margin:1em auto;color:#1f2328}"
              "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:3px 7px;"
              "font-size:13px;text-align:left}th{background:#f6f8fa}.num{text-align:right;font-family:monospace}"
              "h2{border-bottom:1px solid #d0d7de;margin-top:1.5em}section{margin-bottom:1em}"
              ".legend span{display:inline-block;margin-right:1em}</style>\n</head><body>\n", f);
        fputs("<h1>vpstune bench</h1>\n", f);
        if (r->has_ab) {
                fputs("<p>A/B of <code>", f);
                esc(f, r->ab.knob);
                fputs("</code>: <b style=\"color:#0969da\">A = ", f);
                esc(f, r->ab.a);
                fputs("</b>, <b style=\"color:#d1242f\">B = ", f);
                esc(f, r->ab.b);
                fputs("</b>; original value ", f);
                esc(f, r->ab.orig ? r->ab.orig : "(not set)");
                fprintf(f, " (restored). Switch: ");
                esc(f, r->ab.switch_kind);
                fprintf(f, "; %u switches, ABBA blocks, one discarded settle run after each switch; ratios are B/A.</p>\n",
                        r->ab.switches);
        }
        if (r->compare_file) {
                fputs("<p>Compared with <code>", f);
                esc(f, r->compare_file);
                fprintf(f, "</code>: %s.", r->comparable ? "comparable" : "<b>not comparable</b>");
                for (char **p = r->differs; p && *p; p++) {
                        fputs(" Differs: ", f);
                        esc(f, *p);
                        fputs(".", f);
                }
                fputs("</p>\n", f);
        }
        fputs("<h2>Host and settings</h2>\n<pre style=\"white-space:pre-wrap;font-size:12px\">", f);
        esc(f, r->host_json);
        fputs("\n", f);
        esc(f, r->settings_json);
        fputs("</pre>\n", f);

        bool any = false;
        for (size_t i = 0; i < r->n_wl; i++)
                any |= r->wl[i].has_cmp;
        fputs("<h2>Verdicts and the seed's claims</h2>\n", f);
        if (!any)
                fputs("<p>No comparison in this run (use <code>--ab KNOB=A,B</code> or <code>--compare OLD</code>): "
                      "every claim is <i>not measurable here</i>.</p>\n", f);
        fputs("<table><tr><th>workload</th><th>unit</th><th>ratio B/A</th><th>95 % CI</th><th>p (Holm)</th>"
              "<th>test</th><th>verdict</th><th>seed row</th><th>seed says</th><th>measured</th><th>claim</th></tr>\n", f);
        size_t nc;
        const struct bench_claim *claims = bench_claims(&nc);
        for (size_t i = 0; i < r->n_wl; i++) {
                const struct bench_wl_result *w = &r->wl[i];
                const struct bench_claim *c = NULL;
                for (size_t k = 0; w->w->claim && k < nc; k++)
                        if (streq(claims[k].row, w->w->claim))
                                c = &claims[k];
                fprintf(f, "<tr><td>%s</td><td>%s</td>", w->w->id, w->w->unit);
                if (w->has_cmp)
                        fprintf(f, "<td class=\"num\">%.4f</td><td class=\"num\">[%.4f, %.4f]</td><td class=\"num\">%.3g</td>"
                                   "<td>%s</td><td style=\"color:%s;font-weight:bold\">%s</td>",
                                w->cmp.ratio, w->cmp.ci[0], w->cmp.ci[1], w->cmp.p_adj, w->cmp.test,
                                verdict_color(w->cmp.decision.verdict), bench_verdict_to_string(w->cmp.decision.verdict));
                else {
                        fputs("<td colspan=\"5\">", f);
                        esc(f, w->unavailable ? w->unavailable : "no comparison");
                        fputs("</td>", f);
                }
                if (c)
                        fprintf(f, "<td>%s</td><td>%.0f-%.0f %% better (%s)</td>", c->row, c->lo * 100, c->hi * 100,
                                c->credited);
                else
                        fputs("<td>-</td><td>-</td>", f);
                if (w->has_cmp)
                        fprintf(f, "<td class=\"num\">%+.1f %%</td>",
                                100 * bench_improvement(w->cmp.ratio, w->w->higher_is_better));
                else
                        fputs("<td>-</td>", f);
                fprintf(f, "<td>%s</td></tr>\n", bench_claim_status(w));
        }
        fputs("</table>\n<p class=\"legend\"><span style=\"color:#0969da\">&#9679; A / only arm</span>"
              "<span style=\"color:#d1242f\">&#9679; B</span><span>faded: noisy run (steal &gt; 5 % or CPU PSI &gt; 20 %)</span>"
              "<span>ringed: Tukey outlier (kept)</span><span>bar: median</span></p>\n", f);

        for (size_t i = 0; i < r->n_wl; i++) {
                const struct bench_wl_result *w = &r->wl[i];
                fprintf(f, "<section><h2>%s</h2>\n<p>", w->w->id);
                esc(f, w->w->what);
                fprintf(f, " (%s, %s is better). Caches: %s.", w->w->unit, w->w->higher_is_better ? "higher" : "lower",
                        bench_cold_to_string(w->cold));
                if (w->corpus_sha256)
                        fprintf(f, " Corpus sha256 <code>%.16s&hellip;</code>.", w->corpus_sha256);
                if (w->note) {
                        fputs(" <b>", f);
                        esc(f, w->note);
                        fputs("</b>", f);
                }
                fputs("</p>\n", f);
                if (w->unavailable) {
                        fputs("<p><i>Unavailable: ", f);
                        esc(f, w->unavailable);
                        fputs("</i></p></section>\n", f);
                        continue;
                }
                fputs("<table><tr><th>arm</th><th>n</th><th>median</th><th>mean</th><th>stddev</th><th>MAD</th>"
                      "<th>min</th><th>max</th><th>p10</th><th>p90</th><th>CV</th><th>outliers</th><th>slow 1st</th></tr>\n",
                      f);
                for (int a = 0; a < 2; a++) {
                        if (!w->have_stats[a])
                                continue;
                        const struct bench_summary *s = &w->stats[a];
                        fprintf(f, "<tr><td>%s</td><td class=\"num\">%zu</td><td class=\"num\">%.5g</td><td class=\"num\">%.5g</td>"
                                   "<td class=\"num\">%.3g</td><td class=\"num\">%.3g</td><td class=\"num\">%.5g</td>"
                                   "<td class=\"num\">%.5g</td><td class=\"num\">%.5g</td><td class=\"num\">%.5g</td>"
                                   "<td class=\"num\">%.1f %%</td><td class=\"num\">%zu</td><td>%s</td></tr>\n",
                                r->has_ab ? (a ? "B" : "A") : "-", s->n, s->median, s->mean, s->stddev, s->mad, s->min,
                                s->max, s->p10, s->p90, s->cv * 100, s->n_outliers, s->slow_first ? "yes" : "no");
                }
                fputs("</table>\n", f);
                if (w->has_cmp)
                        fprintf(f, "<p>Ratio B/A %.4f, 95 %% CI [%.4f, %.4f], %s p = %.3g (Holm), verdict "
                                   "<b style=\"color:%s\">%s</b>.</p>\n",
                                w->cmp.ratio, w->cmp.ci[0], w->cmp.ci[1], w->cmp.test, w->cmp.p_adj,
                                verdict_color(w->cmp.decision.verdict), bench_verdict_to_string(w->cmp.decision.verdict));
                if (w->n_samples > 0) {
                        dot_plot(f, r, w);
                        order_plot(f, w);
                        cdf_plot(f, r, w);
                }
                fputs("</section>\n", f);
        }

        _cleanup_free_ char *json = bench_results_to_json(r, false);
        fputs("<p style=\"font-size:12px\">The result as JSON is embedded in this page; "
              "<code>vpstune bench --compare THIS.html</code> reads it.</p>\n" JSON_OPEN, f);
        esc(f, json);
        fputs(JSON_CLOSE "\n</body></html>\n", f);
        fclose(f);
        return buf;
}
