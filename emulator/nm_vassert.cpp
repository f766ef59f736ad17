// nm_vassert.cpp - the other half of nm_vl_print.h, linked into programs built on an
// assertion build of the RTL. Every Verilator print comes here: the lines of an RTL
// assertion ("nm_assert: ...", and Verilator's "%Error: FILE:LINE: Verilog $stop")
// are kept for the harness, which reports them with the cycle and the tick; any other
// output goes to stdout as before.
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "nm_vl_print.h"

static char first_msg[512];   // the first assertion since the last clear
static char where[256];       // FILE:LINE of its $stop

extern "C" int nm_vl_printf(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!std::strncmp(buf, "nm_assert: ", 11)) {
        if (!first_msg[0]) {
            std::snprintf(first_msg, sizeof first_msg, "%s", buf + 11);
            first_msg[std::strcspn(first_msg, "\n")] = 0;
        }
        return n;
    }
    if (!std::strncmp(buf, "%Error: ", 8) && std::strstr(buf, "Verilog $stop")) {
        if (!where[0]) {
            std::snprintf(where, sizeof where, "%s", buf + 8);
            char *e = std::strstr(where, ": Verilog $stop");
            if (e) *e = 0;
        }
        return n;
    }
    std::fputs(buf, stdout);
    return n;
}

extern "C" void nm_vassert_clear(void)
{
    first_msg[0] = 0;
    where[0] = 0;
}

// "MESSAGE [FILE:LINE]" of the first assertion, or a generic text.
extern "C" const char *nm_vassert_message(void)
{
    static char out[800];
    if (first_msg[0] && where[0])
        std::snprintf(out, sizeof out, "%s [%s]", first_msg, where);
    else if (first_msg[0])
        std::snprintf(out, sizeof out, "%s", first_msg);
    else if (where[0])
        std::snprintf(out, sizeof out, "Verilog $stop [%s]", where);
    else
        std::snprintf(out, sizeof out, "Verilog $stop");
    return out;
}
