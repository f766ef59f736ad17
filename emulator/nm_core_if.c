/* nm_core_if.c - messages for the core backends' return codes. */
#include "nm_core_if.h"

const char *nm_strerror(int code)
{
    switch (code) {
    case NM_OK:        return "ok";
    case NM_ERR_CFG:   return "config access refused (unmapped address, read-only register, or core busy)";
    case NM_ERR_ARG:   return "bad argument";
    case NM_ERR_HANG:  return "RTL did not finish the tick within its cycle limit";
    case NM_ERR_NOMEM: return "out of memory";
    case NM_ERR_PROTO: return "RTL broke its interface protocol";
    default:           return "unknown error";
    }
}
