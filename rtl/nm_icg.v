// nm_icg - integrated clock-gating cell: the enable is latched while the clock is low, the
// gated clock is clk & latched enable (glitch free). docs/chip.md section "Clock gating".
// Contract: en_i is settled before the rising edge (as any flop's D input); a simulation
// harness that changes the chip's inputs together with the rising edge must evaluate the
// model once with the clock low first (emulator/nm_vchip_shim.cpp, docs/performance.md).
module nm_icg (
  input  wire clk_i,
  input  wire en_i,     // the gated block may change state at the next rising edge
  output wire gclk_o
);
  reg en_l;
  // a transparent-low latch: Verilog-2005 has no always_latch
  /* verilator lint_off LATCH */
  always @* begin
    if (!clk_i) en_l = en_i;
  end
  /* verilator lint_on LATCH */
  assign gclk_o = clk_i & en_l;
endmodule
