/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/corpus.h"
#include "bench/runner.h"
#include "bench/sha256.h"
#include "bench/stats.h"
#include "exec.h"
#include "log.h"
#include "util.h"

#define CORPUS_FORMAT 1
#define MAX_FILE (512u * 1024u)

static const char *const words[] = {
        "static", "int", "return", "struct", "const", "char", "void", "if", "else", "for", "while",
        "size_t", "the", "of", "a", "to", "in", "is", "that", "value", "error", "buffer", "length",
        "config", "file", "path", "read", "write", "open", "close", "data", "result", "count", "index",
        "= 0;", "{", "}", "(", ");", "->", "NULL", "true", "false", "uint64_t", "#include", "<stdio.h>",
        "function", "module", "test", "assert", "printf(\"%s\\n\",", "import", "def", "self", "let",
        "fn", "pub", "mut", "match", "Some(x)", "None", "// TODO", "/*", "*/",
};

static int mkdir_p(const char *path) {
        _cleanup_free_ char *p = xstrdup(path);
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static int write_all(int fd, const void *buf, size_t n) {
        const char *p = buf;
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

/* Contents of file i: text of words (90 %) or random bytes. */
static size_t fill(struct bench_rng *rng, char *buf, size_t size, bool binary) {
        if (binary) {
                for (size_t i = 0; i < size; i += 8) {
                        uint64_t v = bench_rng_next(rng);
                        memcpy(buf + i, &v, size - i < 8 ? size - i : 8);
                }
                return size;
        }
        size_t n = 0, col = 0;
        while (n < size) {
                const char *w = words[bench_rng_below(rng, ELEMENTSOF(words))];
                size_t l = strlen(w);
                if (n + l + 1 > size)
                        break;
                memcpy(buf + n, w, l);
                n += l;
                col += l + 1;
                buf[n++] = col > 60 ? (col = 0, '\n') : ' ';
        }
        while (n < size)
                buf[n++] = '\n';
        return n;
}

static void file_path(char *out, size_t len, const char *tree, unsigned i) {
        snprintf(out, len, "%s/src%02u/mod%02u/f%05u.%s", tree, i % 20, (i / 20) % 25, i, i % 10 == 7 ? "bin" : "c");
}

#define CHANGED "/* changed in c2 */\n"
#define GIT_WHO "vpstune bench <bench@vpstune.invalid> 1767225600 +0000\n"

/* Writes the tree (the c2 state) and, when git is there, a fast-import
 * stream of both commits: one pack instead of N loose objects, which is
 * what makes a 20 000-file repository quick to make. File i changes in c2
 * when i % 10 == 3. */
static int gen_tree(struct bench_corpus *c, struct sha256 *h, FILE *fi) {
        struct bench_rng rng;
        bench_rng_seed(&rng, BENCH_CORPUS_SEED);
        _cleanup_free_ char *buf = xmalloc(MAX_FILE + 64);
        char path[4096];
        for (unsigned d = 0; d < 20; d++)
                for (unsigned e = 0; e < 25; e++) {
                        snprintf(path, sizeof path, "%s/src%02u/mod%02u", c->tree, d, e);
                        int r = mkdir_p(path);
                        if (r < 0)
                                return r;
                }
        size_t lc = strlen(CHANGED);
        for (unsigned i = 0; i < c->n_files; i++) {
                double s = exp(log(4096.0) + 1.0 * bench_rng_normal(&rng));
                size_t size = s < 16 ? 16 : s > MAX_FILE ? MAX_FILE : (size_t) s;
                size = fill(&rng, buf, size, i % 10 == 7);
                bool changed = i % 10 == 3;
                file_path(path, sizeof path, c->tree, i);
                const char *rel = path + strlen(c->tree) + 1;
                uint64_t sz = size;
                sha256_update(h, rel, strlen(rel) + 1);
                sha256_update(h, &sz, sizeof sz);
                sha256_update(h, buf, size);
                if (fi) {
                        fprintf(fi, "blob\nmark :%u\ndata %zu\n", i + 1, size);
                        fwrite(buf, 1, size, fi);
                        fputc('\n', fi);
                }
                if (changed) {
                        memcpy(buf + size, CHANGED, lc);
                        size += lc;
                        sha256_update(h, rel, strlen(rel) + 1);
                        if (fi) {
                                fprintf(fi, "blob\nmark :%u\ndata %zu\n", c->n_files + i + 1, size);
                                fwrite(buf, 1, size, fi);
                                fputc('\n', fi);
                        }
                }
                int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (fd < 0)
                        return -errno;
                int r = write_all(fd, buf, size);
                close(fd);
                if (r < 0)
                        return r;
        }
        if (fi) {
                fputs("commit refs/heads/main\nmark :1000001\nauthor " GIT_WHO "committer " GIT_WHO "data 3\nc1\n", fi);
                for (unsigned i = 0; i < c->n_files; i++) {
                        file_path(path, sizeof path, "", i);
                        fprintf(fi, "M 100644 :%u %s\n", i + 1, path + 1);
                }
                fputs("\ncommit refs/heads/main\nmark :1000002\nauthor " GIT_WHO "committer " GIT_WHO
                      "data 3\nc2\nfrom :1000001\n", fi);
                for (unsigned i = 3; i < c->n_files; i += 10) {
                        file_path(path, sizeof path, "", i);
                        fprintf(fi, "M 100644 :%u %s\n", c->n_files + i + 1, path + 1);
                }
                fputs("\nreset refs/tags/c1\nfrom :1000001\n\nreset refs/tags/c2\nfrom :1000002\n\n", fi);
                if (fflush(fi) != 0 || ferror(fi))
                        return -EIO;
        }
        return 0;
}

static int git(struct bench_corpus *c, char *const *args, const char *stdin_file) {
        char *argv[16] = { (char *) "git", (char *) "-c", (char *) "user.name=vpstune bench", (char *) "-c",
                           (char *) "user.email=bench@vpstune.invalid", (char *) "-c", (char *) "gc.auto=0" };
        size_t n = 7;
        for (; *args && n < ELEMENTSOF(argv) - 1; args++)
                argv[n++] = *args;
        argv[n] = NULL;
        char *env[] = { (char *) "GIT_CONFIG_NOSYSTEM=1", (char *) "GIT_CONFIG_GLOBAL=/dev/null", NULL };
        int r = bench_spawn(argv, c->tree, env, stdin_file);
        return r == 0 ? 0 : r < 0 ? r : -EIO;
}

static int gen_git(struct bench_corpus *c, const char *stream) {
        int r;
        if ((r = git(c, (char *[]) { "init", "-q", "--initial-branch=main", NULL }, NULL)) < 0 ||
            (r = git(c, (char *[]) { "config", "gc.auto", "0", NULL }, NULL)) < 0 ||
            (r = git(c, (char *[]) { "fast-import", "--quiet", NULL }, stream)) < 0 ||
            (r = git(c, (char *[]) { "reset", "-q", NULL }, NULL)) < 0 ||
            (r = git(c, (char *[]) { "checkout", "-q", "--detach", "c2", NULL }, NULL)) < 0)
                return r;
        /* The index gets the files' stat data now, not in a timed run. */
        (void) git(c, (char *[]) { "update-index", "-q", "--refresh", NULL }, NULL);
        return 0;
}

static int gen_big(struct bench_corpus *c, struct sha256 *h) {
        struct bench_rng rng;
        bench_rng_seed(&rng, BENCH_CORPUS_SEED + 1);
        int fd = open(c->big, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        _cleanup_free_ uint64_t *buf = xmalloc(1 << 20);
        int r = 0;
        for (uint64_t off = 0; off < c->big_size && r >= 0; off += 1 << 20) {
                for (size_t i = 0; i < (1 << 20) / 8; i++)
                        buf[i] = bench_rng_next(&rng);
                sha256_update(h, buf, 1 << 20);
                r = write_all(fd, buf, 1 << 20);
        }
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        close(fd);
        return r;
}

static int read_manifest(struct bench_corpus *c) {
        _cleanup_free_ char *p = NULL;
        if (asprintf(&p, "%s/MANIFEST", c->base) < 0)
                return -ENOMEM;
        FILE *f = fopen(p, "re");
        if (!f)
                return -errno;
        unsigned fmt = 0, files = 0;
        unsigned long long big = 0;
        int k = fscanf(f, "vpstune-bench-corpus %u\nfiles %u\nbig %llu\ntree-sha256 %64s\nbig-sha256 %64s\n", &fmt,
                       &files, &big, c->tree_sha256, c->big_sha256);
        fclose(f);
        if (k != 5 || fmt != CORPUS_FORMAT || files != c->n_files || big != c->big_size)
                return -ESTALE;
        return 0;
}

static int write_manifest(struct bench_corpus *c) {
        _cleanup_free_ char *p = NULL, *tmp = NULL;
        if (asprintf(&p, "%s/MANIFEST", c->base) < 0 || asprintf(&tmp, "%s/MANIFEST.tmp", c->base) < 0)
                return -ENOMEM;
        FILE *f = fopen(tmp, "we");
        if (!f)
                return -errno;
        fprintf(f, "vpstune-bench-corpus %u\nfiles %u\nbig %llu\ntree-sha256 %s\nbig-sha256 %s\n", CORPUS_FORMAT,
                c->n_files, (unsigned long long) c->big_size, c->tree_sha256, c->big_sha256);
        if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
                fclose(f);
                return -EIO;
        }
        fclose(f);
        return rename(tmp, p) < 0 ? -errno : 0;
}

void bench_corpus_done(struct bench_corpus *c) {
        free(c->base);
        free(c->tree);
        free(c->tar);
        free(c->big);
        free(c->work);
        *c = (struct bench_corpus) { 0 };
}

int bench_corpus_open(const char *dir, bool quick, struct bench_corpus *ret, char **ret_why) {
        struct bench_corpus c = {
                .n_files = quick ? 2000 : 20000,
                .big_size = (uint64_t) (quick ? 32 : 128) << 20,
                .have_git = exec_find("git") == 0,
                .have_tar = exec_find("tar") == 0,
        };
        int r;
        if (asprintf(&c.base, "%s/vpstune-bench-%d-%s", dir, CORPUS_FORMAT, quick ? "quick" : "full") < 0 ||
            asprintf(&c.tree, "%s/tree", c.base) < 0 || asprintf(&c.tar, "%s/tree.tar", c.base) < 0 ||
            asprintf(&c.big, "%s/big.dat", c.base) < 0 || asprintf(&c.work, "%s/work", c.base) < 0)
                abort();
        if (read_manifest(&c) >= 0) {
                *ret = c;
                return 0;
        }
        double t0 = bench_now();
        _cleanup_free_ char *stream = NULL;
        /* Start from nothing: a half-made corpus is not reused. */
        char *rm[] = { (char *) "rm", (char *) "-rf", c.base, NULL };
        (void) bench_spawn(rm, NULL, NULL, NULL);
        struct sha256 h;
        const char *step = "cannot create";
        if ((r = mkdir_p(c.tree)) < 0 || (r = mkdir_p(c.work)) < 0)
                goto fail;
        sha256_init(&h);
        step = "cannot write the file tree";
        stream = xasprintf("%s/fast-import.stream", c.work);
        FILE *fi = c.have_git ? fopen(stream, "we") : NULL;
        if (c.have_git && !fi) {
                r = -errno;
                goto fail;
        }
        r = gen_tree(&c, &h, fi);
        if (fi)
                fclose(fi);
        if (r < 0)
                goto fail;
        log_debug_topic("bench", "corpus: tree of %u files after %.2f s", c.n_files, bench_now() - t0);
        if (c.have_git) {
                step = "git could not build the corpus repository";
                r = gen_git(&c, stream);
                (void) unlink(stream);
                if (r < 0)
                        goto fail;
                log_debug_topic("bench", "corpus: git repository after %.2f s", bench_now() - t0);
        }
        sha256_hex(&h, c.tree_sha256);
        if (c.have_tar) {
                char *tar[] = { (char *) "tar", (char *) "--sort=name", (char *) "--mtime=@1767225600",
                                (char *) "--owner=0", (char *) "--group=0", (char *) "--numeric-owner",
                                (char *) "--exclude=.git", (char *) "-C", c.tree, (char *) "-cf", c.tar,
                                (char *) ".", NULL };
                step = "tar could not make the archive";
                if ((r = bench_spawn(tar, NULL, NULL, NULL)) != 0) {
                        r = r < 0 ? r : -EIO;
                        goto fail;
                }
        }
        sha256_init(&h);
        step = "cannot write the data file";
        if ((r = gen_big(&c, &h)) < 0)
                goto fail;
        sha256_hex(&h, c.big_sha256);
        log_debug_topic("bench", "corpus: data file after %.2f s", bench_now() - t0);
        /* Durable before the manifest says it is there (this filesystem
         * only: sync() would flush every tenant's dirty data). */
        int dfd = open(c.base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                (void) syncfs(dfd);
                close(dfd);
        }
        log_debug_topic("bench", "corpus: synced after %.2f s", bench_now() - t0);
        step = "cannot write the manifest";
        if ((r = write_manifest(&c)) < 0)
                goto fail;
        c.generated = true;
        c.gen_seconds = bench_now() - t0;
        *ret = c;
        return 0;
fail:
        if (asprintf(ret_why, "%s in '%s': %s", step, c.base, strerror(-r)) < 0)
                *ret_why = NULL;
        bench_corpus_done(&c);
        return r;
}
