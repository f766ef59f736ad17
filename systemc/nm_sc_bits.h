// nm_sc_bits.h - bits of a Verilated SystemC port's value whatever C++ type Verilator gave it
// (bool for 1 bit, uint32_t up to 32, uint64_t up to 64, sc_bv<W> wider), so that one wrapper
// reads the trace ports of a chip of any number of cores (docs/systemc.md, "Shapes").
#ifndef NM_SC_BITS_H
#define NM_SC_BITS_H

#include <cstdint>

#include <systemc>

// The data type of a Verilated sc_in / sc_out port (sc_inout<T>::data_type).
#define NM_SC_PORT_T(model, port) typename std::remove_reference<decltype(((model *)nullptr)->port)>::type::data_type

inline bool nm_sc_any(bool v) { return v; }
inline bool nm_sc_any(uint32_t v) { return v != 0; }
inline bool nm_sc_any(uint64_t v) { return v != 0; }
template <int W> inline bool nm_sc_any(const sc_dt::sc_bv<W> &v) { return v.or_reduce(); }

// bits [lo, lo + w) of v, w <= 32
inline uint32_t nm_sc_field(bool v, unsigned lo, unsigned w) { return lo == 0 && w >= 1 ? (uint32_t)v : 0u; }
inline uint32_t nm_sc_field(uint32_t v, unsigned lo, unsigned w)
{
    return lo >= 32 ? 0u : (uint32_t)(((uint64_t)v >> lo) & ((1ull << w) - 1u));
}
inline uint32_t nm_sc_field(uint64_t v, unsigned lo, unsigned w)
{
    return lo >= 64 ? 0u : (uint32_t)((v >> lo) & ((1ull << w) - 1u));
}
template <int W> inline uint32_t nm_sc_field(const sc_dt::sc_bv<W> &v, unsigned lo, unsigned w)
{
    return v.range((int)(lo + w - 1), (int)lo).to_uint();
}

// One per-core trace bus of a chip of n cores: for each core c whose bit c of `valid` is set,
// emit(c, bits [w * c, w * c + w) of `data`), cores in ascending order; `data` is read only
// when some lane is valid. The TrueNorth-style and Loihi-style chip wrappers both read their
// traces with it (systemc/nm_sc_chip_rtl.cpp, nm_sc_lchip_rtl.cpp).
template <class VT, class DT, class F>
inline void nm_sc_lanes(const sc_core::sc_signal<VT> &valid, const sc_core::sc_signal<DT> &data, unsigned n,
                        unsigned w, F emit)
{
    const VT &v = valid.read();
    if (!nm_sc_any(v))
        return;
    const DT &d = data.read();
    for (unsigned c = 0; c < n; c++)
        if (nm_sc_field(v, c, 1))
            emit(c, nm_sc_field(d, w * c, w));
}

#endif
