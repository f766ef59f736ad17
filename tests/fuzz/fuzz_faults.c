/* fuzz_faults.c - libFuzzer target: the fault-plan parser must refuse or accept any text
 * without crashing; what it accepts must survive nm_fault_json + parse unchanged and
 * apply to a reference chip (faults of ticks 0..3, four ticks) without an error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "nm_faults.h"
#include "nm_ref_chip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MX = 4, MY = 4, NAX = 256, NNEU = 256 };

static int same(const nm_fault *a, const nm_fault *b)
{
    return a->type == b->type && a->tick == b->tick && a->core == b->core && a->neuron == b->neuron &&
           a->axon == b->axon && a->ahead == b->ahead && a->word == b->word && a->bit == b->bit &&
           a->value == b->value && (a->field == b->field || (a->field && b->field && !strcmp(a->field, b->field)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[600];
    json_error_t je;
    json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je), *arr;
    nm_fault_plan p, q;
    size_t i;
    if (!root)
        return 0;
    if (nm_faults_parse(root, MX, MY, NAX, NNEU, &p, err, sizeof err)) {
        json_decref(root);
        if (!err[0]) /* a refusal always says why */
            abort();
        return 0;
    }
    json_decref(root);
    arr = json_array();
    for (i = 0; i < p.n; i++)
        json_array_append_new(arr, nm_fault_json(&p.f[i], MX));
    root = json_pack("{so}", "faults", arr);
    if (nm_faults_parse(root, MX, MY, NAX, NNEU, &q, err, sizeof err) || q.n != p.n)
        abort();
    for (i = 0; i < p.n; i++)
        if (!same(&p.f[i], &q.f[i]))
            abort();
    json_decref(root);
    nm_faults_free(&q);
    if (p.n <= 64) {
        nm_ref_chip *c = nm_ref_chip_new(MX, MY, NAX, NNEU);
        nm_chip_backend b;
        nm_chip_tick_out o;
        uint32_t t;
        if (!c || nm_chip_tick_out_init(&o, MX * MY, NNEU, 16))
            abort();
        nm_ref_chip_backend(&b, c);
        for (t = 0; t < 4; t++)
            if (nm_faults_before_tick(&p, &b, t, err, sizeof err) || b.tick(b.impl, &o) != NM_OK ||
                nm_faults_after_tick(&p, &b, t, err, sizeof err))
                abort();
        nm_chip_tick_out_free(&o);
        nm_ref_chip_free(c);
    }
    nm_faults_free(&p);
    return 0;
}
