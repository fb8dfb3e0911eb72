/* SPDX-License-Identifier: MIT */
/*
 * podman's store: changing the storage driver strands the images, layers
 * and containers it holds (podman refuses to start until 'podman system
 * reset' deletes them), so apply wants --force for that.
 */
#include "apply/store.h"

#include "knobs/knob.h"
#include "util.h"

static bool json_has_entries(struct sysroot *sr, const char *rel) {
        _cleanup_free_ char *buf = NULL;
        if (sysroot_read_file(sr, SR_ROOT, rel, 0, &buf, NULL, NULL) < 0)
                return false;
        return strchr(buf, '{') != NULL;
}

/* 1 and what was found when the store at graphroot holds images, layers
 * or containers (of any driver); 0 when empty or missing. */
int containers_store_has_data(struct sysroot *sr, char **ret_graphroot, char **ret_found) {
        static const struct {
                const char *suffix, *file;
        } kinds[] = { { "-images", "images.json" }, { "-layers", "layers.json" }, { "-containers", "containers.json" } };
        _cleanup_free_ char *graphroot = NULL;
        _cleanup_strv_ char **names = NULL;
        const char *rel;

        if (knob_read(sr, "containers:graphroot", &graphroot) < 0 || !graphroot || graphroot[0] != '/')
                graphroot = (free(graphroot), sysroot_display_path(SR_VAR, "lib/containers/storage"));
        rel = graphroot;
        while (*rel == '/')
                rel++;
        if (sysroot_list_dir(sr, SR_ROOT, rel, &names) < 0) {
                *ret_graphroot = TAKE_PTR(graphroot);
                return 0;
        }
        for (char **nm = names; *nm; nm++) {
                size_t l = strlen(*nm);
                for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                        size_t sl = strlen(kinds[k].suffix);
                        if (l <= sl || !streq(*nm + l - sl, kinds[k].suffix))
                                continue;
                        _cleanup_free_ char *f = xasprintf("%s/%s/%s", rel, *nm, kinds[k].file);
                        if (json_has_entries(sr, f)) {
                                *ret_found = xasprintf("%s/%s/%s", graphroot, *nm, kinds[k].file);
                                *ret_graphroot = TAKE_PTR(graphroot);
                                return 1;
                        }
                }
        }
        *ret_graphroot = TAKE_PTR(graphroot);
        return 0;
}
