/* SPDX-License-Identifier: MIT */
/* libFuzzer: journal_parse() (transaction journals, read back by rollback
 * after a crash, so torn and damaged input is the normal case), plus the
 * escape/unescape round trip of every value it yields. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "apply/journal.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct journal_tx tx;
        size_t orig = 0, done = 0, fail = 0;

        if (size > 1024 * 1024)
                return 0;
        if (journal_parse((const char *) data, size, NULL, &tx) < 0)
                abort(); /* below JOURNAL_FILE_MAX it always answers */
        if (tx.begun != journal_id_is_valid(tx.id))
                abort();
        /* a damaged journal is never "rolled back" */
        if (tx.damage && tx.state == JOURNAL_ROLLED_BACK)
                abort();
        if (!tx.damage && (!tx.begun || !tx.has_root || tx.bad_lines > 0))
                abort();
        for (size_t i = 0; i < tx.n_records; i++) {
                const struct journal_record *r = &tx.records[i];
                char *e, *u = NULL;
                if (!r->knob_id)
                        abort();
                orig += r->type == JREC_ORIG;
                done += r->type == JREC_DONE;
                fail += r->type == JREC_FAIL;
                if (r->type == JREC_FAIL && r->error >= 0)
                        abort();
                if (!r->value)
                        continue;
                e = journal_escape(r->value);
                if (journal_unescape(e, &u) < 0 || !streq(u, r->value))
                        abort();
                free(e);
                free(u);
        }
        if (orig != tx.n_originals || done != tx.n_changes || fail != tx.n_failed)
                abort();
        journal_tx_done(&tx);
        return 0;
}
