/* nm_vl_print.h - forced (-include) into every compile of an assertion build
 * (build/vchip_assert, build/vcore_assert): Verilator prints $display and its own
 * "$stop" notice through VL_PRINTF; this routes them to nm_vl_printf
 * (nm_vassert.cpp), which keeps the assertion's text for the harness. */
#ifndef NM_VL_PRINT_H
#define NM_VL_PRINT_H

#ifdef __cplusplus
extern "C" {
#endif
int nm_vl_printf(const char *fmt, ...);
#ifdef __cplusplus
}
#endif

#define VL_PRINTF nm_vl_printf

#endif
