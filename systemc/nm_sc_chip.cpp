// nm_sc_chip.cpp - the SystemC/TLM-2.0 interface of the chip of TrueNorth-style cores
// (nm_sc_chip.h) that does not depend on the shape: its register addresses. The Verilated
// model, its pins and its spike trace are nm_sc_chip_rtl.cpp (one per shape); everything
// else is nm_sc_chip_base.cpp.
#include "nm_sc_chip.h"

#include "nm_chipmap.h"

using namespace sc_core;

// PADDR of CHIP.HOST_IN and CHIP.CTRL (docs/chip-register-map.md)
static const uint32_t HostInAddr = ((uint32_t)NM_CHIP_REGION_CHIP << NM_CHIP_REGION_SHIFT | NM_CHIP_CHIP_HOST_IN) << 2;
static const uint32_t CtrlAddr = ((uint32_t)NM_CHIP_REGION_CHIP << NM_CHIP_REGION_SHIFT | NM_CHIP_CHIP_CTRL) << 2;

nm_sc_chip::nm_sc_chip(sc_module_name name, const sc_time &period)
    : nm_sc_chip_base(name, period, HostInAddr, CtrlAddr, 1u << NM_CHIP_CHIP_CTRL_TICK_LSB)
{
}
