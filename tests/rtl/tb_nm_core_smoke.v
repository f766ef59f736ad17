// tb_nm_core_smoke - Icarus Verilog smoke test of nm_core (32 axons x 4 neurons).
// Values worked by hand from docs/neuron-model.md:
//   neuron 0: s0 = 3, alpha = 5, linear reset; axons 0 and 1 active and connected:
//   V = 0 + 3 + 3 = 6 >= 5 -> fires, V = 6 - 5 = 1.
//   cycles = 2 + 4 * 4 + 2 events + 1 spike = 21.
// Prints PASS or FAIL lines; tests/rtl/run-iverilog greps them.
`timescale 1ns/1ps
module tb_nm_core_smoke;
  reg         clk = 1'b0, rst_n = 1'b0;
  reg         tick = 1'b0;
  reg         pin_valid = 1'b0;
  reg  [7:0]  pin_axon = 8'd0;
  reg  [3:0]  pin_delay = 4'd0;
  reg         cfg_req = 1'b0, cfg_we = 1'b0;
  reg  [15:0] cfg_addr = 16'd0;
  reg  [31:0] cfg_wdata = 32'd0;
  wire        tick_done, busy, pin_ready, pout_valid, trace_valid, cfg_rvalid, cfg_err;
  wire [8:0]  pout_dx, pout_dy;
  wire [7:0]  pout_axon, trace_neuron;
  wire [3:0]  pout_delay;
  wire [31:0] cfg_rdata;
  integer     errors = 0, cycles, spikes, j;
  reg  [31:0] rd;

  nm_core #(.NumAxons(32), .NumNeurons(4)) dut (
    .clk_i(clk), .rst_ni(rst_n), .tick_i(tick), .tick_done_o(tick_done), .busy_o(busy),
    .pkt_in_valid_i(pin_valid), .pkt_in_ready_o(pin_ready), .pkt_in_axon_i(pin_axon),
    .pkt_in_delay_i(pin_delay), .pkt_out_valid_o(pout_valid), .pkt_out_ready_i(1'b1),
    .pkt_out_dx_o(pout_dx), .pkt_out_dy_o(pout_dy), .pkt_out_axon_o(pout_axon),
    .pkt_out_delay_o(pout_delay), .trace_valid_o(trace_valid), .trace_neuron_o(trace_neuron),
    .cfg_req_i(cfg_req), .cfg_we_i(cfg_we), .cfg_addr_i(cfg_addr), .cfg_wdata_i(cfg_wdata),
    .cfg_rvalid_o(cfg_rvalid), .cfg_rdata_o(cfg_rdata), .cfg_err_o(cfg_err)
  );

  always #5 clk = ~clk;

  task cfg_write(input [15:0] a, input [31:0] d);
    begin
      @(negedge clk); cfg_req = 1'b1; cfg_we = 1'b1; cfg_addr = a; cfg_wdata = d;
      @(negedge clk); cfg_req = 1'b0; cfg_we = 1'b0;
      if (!cfg_rvalid || cfg_err) begin
        $display("FAIL cfg write 0x%04h refused", a); errors = errors + 1;
      end
    end
  endtask

  task cfg_read(input [15:0] a, output [31:0] d);
    begin
      @(negedge clk); cfg_req = 1'b1; cfg_we = 1'b0; cfg_addr = a;
      @(negedge clk); cfg_req = 1'b0;
      d = cfg_rdata;
      if (!cfg_rvalid || cfg_err) begin
        $display("FAIL cfg read 0x%04h refused", a); errors = errors + 1;
      end
    end
  endtask

  // NEURON word address: region 4, neuron n, word w
  function [15:0] naddr(input integer n, input integer w);
    naddr = 16'h4000 | (n * 8 + w);
  endfunction

  initial begin
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    cfg_write(16'h2000, 32'd0);                 // axon types 0..15: type 0
    cfg_write(16'h2001, 32'd0);                 // axon types 16..31
    for (j = 0; j < 4; j = j + 1) begin
      cfg_write(16'h3000 | (j * 8), (j == 0) ? 32'h3 : 32'h0);   // crossbar row
      cfg_write(naddr(j, 0), (j == 0) ? 32'd3 : 32'd0);          // s0
      cfg_write(naddr(j, 1), (j == 0) ? (32'd1 << 24) : (32'd1 << 26)); // gamma 1 / kappa 1
      cfg_write(naddr(j, 2), (j == 0) ? 32'd5 : 32'h3ffff);      // alpha
      cfg_write(naddr(j, 3), 32'h3ffff);                         // beta
      cfg_write(naddr(j, 4), 32'd0);                             // R
      cfg_write(naddr(j, 5), (32'd1 << 26) | (32'd7 << 18) | 32'h1ff); // delay 1, axon 7, dx -1
      cfg_write(naddr(j, 6), 32'd0);                             // V
    end
    @(negedge clk); pin_valid = 1'b1; pin_axon = 8'd0; pin_delay = 4'd1;
    @(negedge clk); pin_axon = 8'd1;
    @(negedge clk); pin_valid = 1'b0;
    @(negedge clk); tick = 1'b1;
    @(negedge clk); tick = 1'b0;
    cycles = 0; spikes = 0;
    while (!tick_done) begin
      if (!busy) begin $display("FAIL busy low before tick_done"); errors = errors + 1; end
      if (trace_valid) begin
        spikes = spikes + 1;
        if (trace_neuron != 8'd0) begin $display("FAIL spike from neuron %0d", trace_neuron); errors = errors + 1; end
      end
      if (pout_valid && (pout_dx != 9'h1ff || pout_axon != 8'd7 || pout_delay != 4'd1)) begin
        $display("FAIL packet fields dx=%h axon=%0d delay=%0d", pout_dx, pout_axon, pout_delay);
        errors = errors + 1;
      end
      cycles = cycles + 1;
      @(negedge clk);
    end
    cycles = cycles + 1;                        // the DONE cycle
    @(negedge clk);
    if (spikes != 1) begin $display("FAIL %0d spikes, expected 1", spikes); errors = errors + 1; end
    if (cycles != 21) begin $display("FAIL %0d cycles, expected 21", cycles); errors = errors + 1; end
    cfg_read(naddr(0, 6), rd);
    if (rd != 32'd1) begin $display("FAIL V0 = %0d, expected 1", rd); errors = errors + 1; end
    cfg_read(16'h1006, rd);
    if (rd != 32'd21) begin $display("FAIL BUSY_CYCLES = %0d, expected 21", rd); errors = errors + 1; end
    cfg_read(16'h1000, rd);
    if (rd != 32'd2) begin $display("FAIL SYN_EVENTS = %0d, expected 2", rd); errors = errors + 1; end
    if (errors == 0) $display("PASS tb_nm_core_smoke: V=1, 1 spike, 21 cycles");
    $finish;
  end
endmodule
