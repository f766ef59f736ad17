# gen-random-loihi.awk - a random Loihi network description (docs/loihi-network-format.md) for
# the decompile round trip: awk -v seed=N -f gen-random-loihi.awk. The small geometry (16
# compartments, 16 input axons, 32 axon-map entries, 256 synapse words, 8 delay slots, 4 decay
# and 2 threshold profiles, 4 synapse formats) on a 2 x 2 mesh (-v mx=X -v my=Y for another);
# every field drawn over its whole range, some cores left out, nupd, u and v sometimes given,
# a provenance sometimes.
function ri(lo, hi) { return lo + int(rand() * (hi - lo + 1)) }
function pick(s,   a, n) { n = split(s, a, " "); return a[ri(1, n)] }
function wgt(sign) {
    if (sign == "excitatory") return ri(0, 255)
    if (sign == "inhibitory") return -ri(0, 255)
    if (sign == "null") return 0
    return 2 * ri(-128, 127)
}
BEGIN {
    srand(seed)
    if (!mx) mx = 2
    if (!my) my = 2
    printf "{\"core_type\": \"loihi\", \"mesh\": [%d, %d], \"geometry\": \"small\"", mx, my
    if (rand() < 0.5)
        printf ",\n \"provenance\": {\"tool\": \"gen-random-loihi.awk\", \"seed\": \"%d\", \"note\": \"a \\\"quoted\\\" \\\\ value\"}", seed
    printf ",\n \"cores\": ["
    first = 1
    for (y = 0; y < my; y++) for (x = 0; x < mx; x++) {
        if (rand() < 0.2) continue
        printf "%s\n  {\"x\": %d, \"y\": %d", first ? "" : ",", x, y
        first = 0
        ndp = ri(0, 4); ntp = ri(0, 2); nf = ri(0, 4); ncx = ri(0, 16); nax = ri(0, 16)
        if (rand() < 0.3) printf ", \"nupd\": %d", ri(0, 16)
        if (ndp) {
            printf ",\n   \"decay_profiles\": ["
            for (i = 0; i < ndp; i++)
                printf "%s{\"du\": %d, \"dv\": %d, \"refract_delay\": %d}", i ? ", " : "", pick("0 1 4095 " ri(0, 4095)), ri(0, 4095), ri(0, 63)
            printf "]"
        }
        if (ntp) {
            printf ",\n   \"threshold_profiles\": ["
            for (i = 0; i < ntp; i++)
                printf "%s{\"vthMant\": %d}", i ? ", " : "", pick("0 131071 " ri(0, 131071))
            printf "]"
        }
        nfmt = nf ? nf : 1
        fs[0] = "mixed"
        if (nf) {
            printf ",\n   \"synapse_formats\": ["
            for (i = 0; i < nf; i++) {
                fs[i] = pick("mixed excitatory inhibitory null")
                printf "%s{\"weight_bits\": %d, \"sign_mode\": \"%s\", \"wgt_exp\": %d}", i ? ", " : "", ri(1, 8), fs[i], ri(-8, 7)
            }
            printf "]"
        }
        naxw = 0
        if (ncx) {
            printf ",\n   \"compartments\": ["
            for (i = 0; i < ncx; i++) {
                printf "%s\n    {\"decay_profile\": %d, \"threshold_profile\": %d, \"bias_mant\": %d, \"bias_exp\": %d", i ? "," : "", ndp ? ri(0, ndp - 1) : 0, ntp ? ri(0, ntp - 1) : 0, pick("-4096 4095 0 " ri(-4096, 4095)), ri(0, 7)
                if (rand() < 0.3) printf ", \"u\": %d, \"v\": %d", pick("-8388608 8388607 " ri(-8388608, 8388607)), pick("-8388607 8388607 " ri(-8388607, 8388607))
                no = ri(0, 3); if (naxw + no > 32) no = 32 - naxw
                if (no) {
                    printf ", \"outputs\": ["
                    for (j = 0; j < no; j++)
                        if (rand() < 0.5)
                            printf "%s{\"core\": [%d, %d], \"axon\": %d}", j ? ", " : "", ri(0, 1), ri(0, 1), ri(0, 4095)
                        else
                            printf "%s{\"dx\": %d, \"dy\": %d, \"axon\": %d}", j ? ", " : "", ri(-128, 127), ri(-128, 127), ri(0, 15)
                    printf "]"
                    naxw += no
                }
                printf "}"
            }
            printf "]"
        }
        nsw = 0
        if (nax) {
            printf ",\n   \"axons\": ["
            for (i = 0; i < nax; i++) {
                f = ri(0, nfmt - 1)
                printf "%s\n    {\"format\": %d", i ? "," : "", f
                ns = ri(0, 20); if (nsw + ns > 256) ns = 256 - nsw
                if (ns) {
                    printf ", \"synapses\": ["
                    for (j = 0; j < ns; j++)
                        printf "%s{\"compartment\": %d, \"weight\": %d, \"delay\": %d}", j ? ", " : "", ri(0, 15), wgt(fs[f]), ri(0, 7)
                    printf "]"
                    nsw += ns
                }
                printf "}"
            }
            printf "]"
        }
        printf "}"
    }
    printf "\n ]\n}\n"
}
