# gen-random-geo.awk - a random, busy Loihi network (docs/loihi-network-format.md) of a geometry
# that is not the linked Verilated core's, for nmemu run --rtl-cores --check
# (tests/loihi/check-lrtl-cores): awk -v seed=N -f gen-random-geo.awk. A 3 x 3 mesh of cores of
# 64 compartments, 32 input axons, 64 axon-map entries, 512 synapse words, 8 delay slots, 4 decay
# and 2 threshold profiles, 4 synapse formats and an input queue of 64. Every core is present;
# compartments fire from their bias and from synapses, and send packets to axons of random cores
# of the mesh, so the RTL cores receive packets from model cores and the other way round.
# Compartment 0 of every core is kept quiet (bias 0, no synapse reaches it, decay profile 0 keeps
# v: DV = 0, thresholds at most 1000 << 6 = 64,000), so a v of 100,000 written into it
# (NMEMU_RTL_FAULT) fires it in that step on the RTL and never in the model.
function ri(lo, hi) { return lo + int(rand() * (hi - lo + 1)) }
function pick(s,   a, n) { n = split(s, a, " "); return a[ri(1, n)] }
function wgt(sign) {
    if (sign == "excitatory") return ri(0, 255)
    if (sign == "inhibitory") return -ri(0, 255)
    return 2 * ri(-128, 127)
}
BEGIN {
    srand(seed)
    MX = 3; MY = 3; NCOMP = 64; NAXIN = 32
    printf "{\"core_type\": \"loihi\", \"mesh\": [%d, %d],\n", MX, MY
    printf " \"geometry\": {\"ncomp\": 64, \"naxin\": 32, \"naxout\": 64, \"nsyn\": 512, \"ndslot\": 8,"
    printf " \"ndprof\": 4, \"ntprof\": 2, \"nsynfmt\": 4, \"inq\": 64},\n \"cores\": ["
    for (y = 0; y < MY; y++) for (x = 0; x < MX; x++) {
        printf "%s\n  {\"x\": %d, \"y\": %d", (x || y) ? "," : "", x, y
        printf ",\n   \"decay_profiles\": [{\"du\": %d, \"dv\": 0, \"refract_delay\": %d}", ri(0, 4095), ri(0, 3)
        for (i = 1; i < 4; i++)
            printf ", {\"du\": %d, \"dv\": %d, \"refract_delay\": %d}", pick("0 4095 " ri(0, 4095)), ri(0, 4095), ri(0, 5)
        printf "],\n   \"threshold_profiles\": [{\"vthMant\": %d}, {\"vthMant\": %d}]", ri(1, 1000), ri(1, 1000)
        fs[0] = "mixed"; fs[1] = "excitatory"; fs[2] = pick("mixed inhibitory"); fs[3] = "excitatory"
        printf ",\n   \"synapse_formats\": ["
        for (i = 0; i < 4; i++)
            printf "%s{\"weight_bits\": %d, \"sign_mode\": \"%s\", \"wgt_exp\": %d}", i ? ", " : "", ri(4, 8), fs[i], ri(0, 4)
        printf "]"
        ncx = ri(40, NCOMP); naxw = 0
        printf ",\n   \"compartments\": ["
        for (i = 0; i < ncx; i++) {
            if (i == 0)
                printf "\n    {\"decay_profile\": 0, \"threshold_profile\": %d, \"bias_mant\": 0, \"bias_exp\": 0", ri(0, 1)
            else
                printf ",\n    {\"decay_profile\": %d, \"threshold_profile\": %d, \"bias_mant\": %d, \"bias_exp\": %d", ri(0, 3), ri(0, 1), rand() < 0.4 ? ri(0, 4095) : 0, ri(0, 4)
            no = ri(0, 2); if (naxw + no > 64) no = 64 - naxw
            if (no) {
                printf ", \"outputs\": ["
                for (j = 0; j < no; j++)
                    printf "%s{\"core\": [%d, %d], \"axon\": %d}", j ? ", " : "", ri(0, MX - 1), ri(0, MY - 1), ri(0, NAXIN - 1)
                printf "]"
                naxw += no
            }
            printf "}"
        }
        printf "]"
        nsw = 0
        printf ",\n   \"axons\": ["
        for (i = 0; i < NAXIN; i++) {
            f = ri(0, 3)
            printf "%s\n    {\"format\": %d", i ? "," : "", f
            ns = ri(0, 12); if (nsw + ns > 256) ns = 256 - nsw
            if (ns) {
                printf ", \"synapses\": ["
                for (j = 0; j < ns; j++)
                    printf "%s{\"compartment\": %d, \"weight\": %d, \"delay\": %d}", j ? ", " : "", ri(1, ncx - 1), wgt(fs[f]), ri(0, 7)
                printf "]"
                nsw += ns
            }
            printf "}"
        }
        printf "]}"
    }
    printf "\n ]\n}\n"
}
